import { AccountEntity } from '@guildhall/identity';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * `accountId` hides a whole server (`domain`, a normalized host): its accounts' posts leave the
 * member's home and public timelines (Mastodon's per-user domain blocks; not a moderator's block).
 */
@Entity('account_domain_blocks')
@Index('account_domain_blocks_uq', ['accountId', 'domain'], { unique: true })
export class AccountDomainBlockEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: AccountEntity;

  @Column({ type: 'text' })
  domain: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
