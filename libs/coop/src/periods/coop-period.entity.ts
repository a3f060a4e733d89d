import { Check, Column, Entity, type FindOptionsSelect, Index, PrimaryColumn } from 'typeorm';
import type { PeriodParameters, PeriodResult, PeriodSnapshot } from '../engine/snapshot';
import { BIGINT } from '../ledger/bigint.transformer';
import type { PublishedSnapshot } from '../transparency/published-snapshot';

export type CoopPeriodStatus = 'open' | 'closed';

/**
 * A period: opened with its parameters frozen; closed once, keeping the published snapshot and
 * result. `seq` numbers periods (vesting counts them); the watermarks say which recorded events
 * and payments the close counted, so the next period starts exactly where this one ended.
 */
@Entity('coop_periods')
@Index('coop_periods_seq_uq', ['seq'], { unique: true })
@Index('coop_periods_one_open_uq', ['status'], { unique: true, where: `"status" = 'open'` })
@Check('coop_periods_status_ck', `"status" IN ('open', 'closed')`)
export class CoopPeriodEntity {
  /** `2026-11`; a period closed before its month ended is followed by `2026-11.2`. */
  @PrimaryColumn('text')
  id: string;

  @Column({ type: 'integer' })
  seq: number;

  @Column({ type: 'timestamptz' })
  startsAt: Date;

  /** The scheduled end; a close before it ends the period at the close instead. */
  @Column({ type: 'timestamptz' })
  endsAt: Date;

  @Column({ type: 'text', default: 'open' })
  status: CoopPeriodStatus;

  @Column({ type: 'jsonb' })
  parameters: PeriodParameters;

  @Column({ type: 'integer' })
  vestingPeriods: number;

  /**
   * What the platform recorded (private). Since ADR 0070 this is the document without its events
   * (`events: []`) and `snapshotEventsAfter` says where they are; before, the whole document
   * (stored as `json`, text kept as written). Read it whole through
   * CloseSnapshotReader.internalSnapshotOf.
   */
  @Column({ type: 'json', nullable: true })
  snapshot: PeriodSnapshot | null;

  /**
   * The internal snapshot's events are the coop_events rows with seq in (this, eventsThrough], in
   * seq order: frozen once the period is closed (ADR 0070). Null for closes before that, whose
   * `snapshot` holds its events, and for an open period.
   */
  @Column({ type: 'bigint', nullable: true, transformer: BIGINT })
  snapshotEventsAfter: number | null;

  /**
   * What the close published and ran (transparency/published-snapshot.ts, ADR 0022): members by
   * pseudonym, hashed ids, payments summed per member. `snapshot` keeps what the platform
   * recorded (private; `internalInputHash` in this one commits to it). Null for closes before
   * pseudonyms, which published `snapshot` itself. Since ADR 0069 this is the document without
   * its events (`events: []`; the members are what pages read here): the whole text is in
   * coop_published_parts, read through CoopPeriodRepository.publishedText.
   */
  @Column({ type: 'json', nullable: true })
  publishedSnapshot: PublishedSnapshot | null;

  /** The secret of this period's pseudonyms and hashed ids (hex, 256 bits); never published. */
  @Column({ type: 'text', nullable: true })
  pseudonymKey: string | null;

  /** The result of the published snapshot (the ledger posts it). */
  @Column({ type: 'json', nullable: true })
  result: PeriodResult | null;

  @Column({ type: 'text', nullable: true })
  inputHash: string | null;

  @Column({ type: 'text', nullable: true })
  outputHash: string | null;

  /** The last coop_events.seq and coop_payments.seq this close counted. */
  @Column({ type: 'bigint', nullable: true, transformer: BIGINT })
  eventsThrough: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: BIGINT })
  paymentsThrough: number | null;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;
}

export type Snapshots = 'snapshot' | 'publishedSnapshot';
/** A period as read without its stored snapshots. */
export type PeriodRow = Omit<CoopPeriodEntity, Snapshots>;
/** Every column of a period but its stored snapshots. */
export const WITHOUT_SNAPSHOTS: FindOptionsSelect<CoopPeriodEntity> = {
  id: true,
  seq: true,
  startsAt: true,
  endsAt: true,
  status: true,
  parameters: true,
  vestingPeriods: true,
  pseudonymKey: true,
  result: true,
  inputHash: true,
  outputHash: true,
  eventsThrough: true,
  paymentsThrough: true,
  snapshotEventsAfter: true,
  closedAt: true,
};
