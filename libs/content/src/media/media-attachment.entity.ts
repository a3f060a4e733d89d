import { AccountEntity } from '@guildhall/identity';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PostEntity } from '../posts/post.entity';

/**
 * An uploaded image (attached to a post, or used as an avatar or header), or a remote post's
 * media: a link to the file on its server, never downloaded (Mastodon's "not cached" state).
 */
@Entity('media_attachments')
// Either our bytes or another server's URL, never both or neither.
@Check('media_attachments_source_check', '(storage_key IS NULL) <> (remote_url IS NULL)')
@Index('media_attachments_post_idx', ['postId', 'position'])
@Index('media_attachments_account_idx', ['accountId', 'id'])
export class MediaAttachmentEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** The uploader (for remote media, the remote post's author). */
  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: AccountEntity;

  /** Null until the upload is attached to a post. */
  @Column({ type: 'uuid', nullable: true })
  postId: string | null;

  @ManyToOne(() => PostEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'post_id' })
  post: PostEntity | null;

  @Column({ type: 'integer', default: 0 })
  position: number;

  /** Detected from the file's bytes for uploads; as the remote server says (`mediaType`) for remote media. */
  @Column({ type: 'text' })
  mimeType: string;

  /** Null for remote media (never downloaded). */
  @Column({ type: 'integer', nullable: true })
  byteSize: number | null;

  /** Null when a remote server did not say. */
  @Column({ type: 'integer', nullable: true })
  width: number | null;

  @Column({ type: 'integer', nullable: true })
  height: number | null;

  @Column({ type: 'text', nullable: true })
  altText: string | null;

  /** A BlurHash placeholder, as a remote server sent it (uploads have none yet). */
  @Column({ type: 'text', nullable: true })
  blurhash: string | null;

  /** Where the storage backend keeps the bytes (local uploads). */
  @Column({ type: 'text', nullable: true })
  storageKey: string | null;

  /** The original URL of remote media. */
  @Column({ type: 'text', nullable: true })
  remoteUrl: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
