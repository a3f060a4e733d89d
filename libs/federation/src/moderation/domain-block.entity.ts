import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A remote server the moderators refuse: its requests answer 403, nothing is fetched from or
 * delivered to it, and what was stored from it is purged when the block is made.
 */
@Entity('domain_blocks')
export class DomainBlockEntity {
  /** host[:port], lower-case; a block covers its subdomains too. */
  @PrimaryColumn({ type: 'text' })
  domain: string;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** The moderator's account. */
  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
