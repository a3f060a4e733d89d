import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Where the background purge of a block stands (DomainPurgeService). */
export enum DomainPurgeStatus {
  /** Enqueued; nothing removed by this run yet. */
  Pending = 'pending',
  /** At least one batch committed. */
  Running = 'running',
  /** A batch found nothing left to remove. */
  Done = 'done',
  /** Every attempt of the job failed; blocking again starts a new run. */
  Failed = 'failed',
}

/**
 * A remote server the moderators refuse: its requests answer 403 and nothing is fetched from or
 * delivered to it from the moment the block is stored; what was stored from it is purged in the
 * background, in batches (the purge_* columns follow that job).
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

  /**
   * Bumped each time a purge is asked for (the block, and each block of the domain again): the
   * job id carries it, and a job whose run is no longer current stops.
   */
  @Column({ type: 'integer', default: 1 })
  purgeRun: number;

  @Column({
    type: 'enum',
    enum: DomainPurgeStatus,
    enumName: 'domain_purge_status',
    default: DomainPurgeStatus.Pending,
  })
  purgeStatus: DomainPurgeStatus;

  /** Accounts (and posts of theirs) removed by the purges of this block, all runs together. */
  @Column({ type: 'integer', default: 0 })
  accountsPurged: number;

  @Column({ type: 'integer', default: 0 })
  postsPurged: number;

  /** When the current run committed its first batch. */
  @Column({ type: 'timestamptz', nullable: true })
  purgeStartedAt: Date | null;

  /** When the current run found nothing left (or gave up). */
  @Column({ type: 'timestamptz', nullable: true })
  purgeFinishedAt: Date | null;
}
