import { AccountEntity } from '@guildhall/identity';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

export enum Visibility {
  Public = 'public',
  Unlisted = 'unlisted',
  Followers = 'followers',
  Direct = 'direct',
}

/**
 * A note, an article (a note with a title) or a boost (`boostOfId` set, no content of its own),
 * local or remote. Boosts are rows here, as in Mastodon, so a timeline is one indexed scan.
 * The id is a UUIDv7 (time-ordered): timelines page by id.
 */
@Entity('posts')
@Index('posts_account_id_idx', ['accountId', 'id'])
@Index('posts_in_reply_to_idx', ['inReplyToId', 'id'])
@Index('posts_boost_of_idx', ['boostOfId'])
@Index('posts_local_public_idx', ['id'], { where: `"visibility" = 'public' AND "deleted_at" IS NULL AND "local"` })
@Index('posts_public_idx', ['id'], { where: `"visibility" = 'public' AND "deleted_at" IS NULL` })
@Index('posts_one_boost_uq', ['accountId', 'boostOfId'], {
  unique: true,
  where: `"boost_of_id" IS NOT NULL AND "deleted_at" IS NULL`,
})
export class PostEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: AccountEntity;

  /** Written on this server (denormalised from the author, for the LOCAL timeline). */
  @Column({ type: 'boolean' })
  local: boolean;

  /** The ActivityPub id of a remote post; local ids derive from PUBLIC_ORIGIN. */
  @Column({ type: 'text', nullable: true, unique: true })
  uri: string | null;

  @Column({ type: 'text', nullable: true })
  url: string | null;

  /** Set for articles (long form). */
  @Column({ type: 'text', nullable: true })
  title: string | null;

  /** The Markdown the author wrote (local posts). */
  @Column({ type: 'text', nullable: true })
  source: string | null;

  /** Sanitized HTML: rendered from `source`, or a remote post's content after sanitizing. */
  @Column({ type: 'text', default: '' })
  content: string;

  /** An article's excerpt. */
  @Column({ type: 'text', nullable: true })
  summary: string | null;

  /** A content warning: the post is sensitive and shown behind it. */
  @Column({ type: 'text', nullable: true })
  contentWarning: string | null;

  /** ISO 639-1. */
  @Column({ type: 'text', nullable: true })
  language: string | null;

  @Column({ type: 'enum', enum: Visibility, enumName: 'post_visibility' })
  visibility: Visibility;

  @Column({ type: 'uuid', nullable: true })
  inReplyToId: string | null;

  @ManyToOne(() => PostEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'in_reply_to_id' })
  inReplyTo: PostEntity | null;

  /** The author of the post replied to (kept when that post goes, for threading and notifications). */
  @Column({ type: 'uuid', nullable: true })
  inReplyToAccountId: string | null;

  @Column({ type: 'uuid', nullable: true })
  boostOfId: string | null;

  @ManyToOne(() => PostEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'boost_of_id' })
  boostOf: PostEntity | null;

  /** Kept exact by incrementing in the same transaction as the like, boost or reply. */
  @Column({ type: 'integer', default: 0 })
  likesCount: number;

  @Column({ type: 'integer', default: 0 })
  boostsCount: number;

  @Column({ type: 'integer', default: 0 })
  repliesCount: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  /** Set when the content was edited (edits keep their history in post_edits). */
  @Column({ type: 'timestamptz', nullable: true })
  editedAt: Date | null;

  /** A tombstone: the content is erased and the post is gone from every read path. */
  @Column({ type: 'timestamptz', nullable: true })
  deletedAt: Date | null;
}
