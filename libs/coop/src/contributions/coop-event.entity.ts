import { Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';
import { BIGINT } from '../ledger/bigint.transformer';

/**
 * A contribution (SPEC §7) as it happened. The id says what caused it (`published:<postId>`,
 * `engaged:<likeId>`, `reversal:<id>`…): recording the same cause twice is a no-op. `seq` orders
 * recording: a period counts the events recorded after the previous close's watermark.
 */
@Entity('coop_events')
@Index('coop_events_seq_uq', ['seq'], { unique: true })
export class CoopEventEntity {
  @PrimaryColumn('text')
  id: string;

  @Column({ type: 'bigint', transformer: BIGINT })
  @Generated('increment')
  seq: number;

  /** PUBLISHED, ENGAGED, CURATED, MODERATED, SPENT or REVERSAL. */
  @Column({ type: 'text' })
  type: string;

  /** The member credited (null for a REVERSAL). */
  @Column({ type: 'uuid', nullable: true })
  memberId: string | null;

  /** Who engaged: a member's account id, or `instance:HOST` for a remote server. */
  @Column({ type: 'text', nullable: true })
  actor: string | null;

  @Column({ type: 'text', nullable: true })
  object: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: BIGINT })
  amount: number | null;

  @Column({ type: 'text', nullable: true })
  reverses: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;

  /**
   * The event as the snapshot publishes it (SPEC §3: member and actor by username), written once
   * when recorded: a close concatenates these instead of building a million objects.
   */
  @Column({ type: 'text' })
  snapshotJson: string;
}
