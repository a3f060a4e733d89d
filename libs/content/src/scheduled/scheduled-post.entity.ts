import { AccountEntity } from '@guildhall/identity';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/** What a scheduled post will be published with (Mastodon's ScheduledStatus `params`). */
export interface ScheduledPostParams {
  content: string;
  contentWarning: string | null;
  language: string | null;
  visibility: string;
  inReplyToId: string | null;
  mediaIds: string[];
  /** Its poll, checked when scheduled; it runs from publication. Absent in rows stored before polls could be scheduled. */
  poll?: { options: string[]; expiresIn: number; multiple: boolean; hideTotals: boolean } | null;
  /** The OAuth app that scheduled it, if any. */
  applicationId: string | null;
}

/**
 * A post to publish later: a delayed job (ContentJob.PublishScheduledPost, job id = this id)
 * publishes it at `scheduledAt` through PostService, then removes the row.
 */
@Entity('scheduled_posts')
@Index('scheduled_posts_account_idx', ['accountId', 'id'])
export class ScheduledPostEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: AccountEntity;

  @Column({ type: 'timestamptz' })
  scheduledAt: Date;

  @Column({ type: 'jsonb' })
  params: ScheduledPostParams;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
