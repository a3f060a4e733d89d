import { AccountEntity } from '@guildhall/identity';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

export enum NotificationType {
  Follow = 'follow',
  FollowRequest = 'follow_request',
  Mention = 'mention',
  Reply = 'reply',
  Like = 'like',
  Boost = 'boost',
  /** A poll you voted in, or your own, ended (Mastodon's `poll`). */
  Poll = 'poll',
  /** An account you follow with `notify` posted (Mastodon's `status`). */
  Status = 'status',
  /** A post you boosted was edited (Mastodon's `update`). */
  Update = 'update',
  /** Staff: a local account was created (Mastodon's `admin.sign_up`; from: the new account). */
  AdminSignUp = 'admin.sign_up',
  /** Staff: a report was filed (Mastodon's `admin.report`; from: the reporter). */
  AdminReport = 'admin.report',
}

@Entity('notifications')
@Index('notifications_account_idx', ['accountId', 'id'])
@Index('notifications_dedupe_uq', ['accountId', 'dedupeKey'], { unique: true })
export class NotificationEntity {
  /** UUIDv7: newest first by id. */
  @PrimaryColumn('uuid')
  id: string;

  /** Who is notified. */
  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: AccountEntity;

  @Column({ type: 'enum', enum: NotificationType, enumName: 'notification_type' })
  type: NotificationType;

  /** Who did it. */
  @Column({ type: 'uuid' })
  fromAccountId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'from_account_id' })
  fromAccount: AccountEntity;

  /** The post concerned (like, boost, mention, reply); a plain id: posts live in libs/content. */
  @Column({ type: 'uuid', nullable: true })
  postId: string | null;

  /** The report concerned (`admin.report`); a plain id: reports live in libs/federation. */
  @Column({ type: 'uuid', nullable: true })
  reportId: string | null;

  /** "<type>:<from>:<post>": liking, unliking and liking again notifies once. */
  @Column({ type: 'text' })
  dedupeKey: string;

  @Column({ type: 'timestamptz', nullable: true })
  readAt: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
