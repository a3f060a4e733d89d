import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** Where a filter applies (Mastodon's `context`). */
export const FILTER_CONTEXTS = ['home', 'notifications', 'public', 'thread', 'account'] as const;
export type FilterContext = (typeof FILTER_CONTEXTS)[number];

/** What a match does: `warn` / `blur` label the post, `hide` leaves it out. */
export const FILTER_ACTIONS = ['warn', 'hide', 'blur'] as const;
export type FilterAction = (typeof FILTER_ACTIONS)[number];

/** A member's filter of what they read (Mastodon's filters v2). Theirs alone; never federated. */
@Entity('filters')
@Index('filters_account_idx', ['accountId'])
export class FilterEntity {
  /** UUIDv7. */
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  accountId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', array: true })
  context: FilterContext[];

  @Column({ type: 'text' })
  action: FilterAction;

  /** Null: never expires. */
  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
