import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export const REPORT_CATEGORIES = ['spam', 'legal', 'violation', 'other'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

/** A report waiting for the moderators: a remote `Flag`, or (later) a local one. */
@Entity('reports')
@Index('reports_open_idx', ['id'], { where: '"resolved_at" IS NULL' })
export class ReportEntity {
  /** UUIDv7. */
  @PrimaryColumn('uuid')
  id: string;

  /** The remote `Flag` activity's id: the same Flag delivered twice is one report. */
  @Column({ type: 'text', nullable: true, unique: true })
  uri: string | null;

  /** Who reported (a remote actor may be the reporting server's instance actor). */
  @Column({ type: 'uuid', nullable: true })
  reporterId: string | null;

  /** The server the report came from (null for a local report). */
  @Column({ type: 'text', nullable: true })
  sourceDomain: string | null;

  @Column({ type: 'uuid' })
  targetAccountId: string;

  /** Reported posts of the target account. */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  postIds: string[];

  @Column({ type: 'text', default: '' })
  comment: string;

  /** Mastodon's category: spam, legal, violation (of `ruleIds`) or other. */
  @Column({ type: 'text', default: 'other' })
  category: ReportCategory;

  /** The server rules a `violation` report names (Mastodon's `rule_ids`). */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  ruleIds: string[];

  /** A copy went (as a Flag from the instance actor) to the remote target's server. */
  @Column({ type: 'boolean', default: false })
  forwarded: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  resolvedById: string | null;
}
