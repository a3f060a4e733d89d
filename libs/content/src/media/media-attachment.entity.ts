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
// A focal point is both coordinates or neither, each in −1..1 (Mastodon's focus).
@Check(
  'media_attachments_focus_check',
  '(focus_x IS NULL AND focus_y IS NULL) OR (focus_x BETWEEN -1 AND 1 AND focus_y BETWEEN -1 AND 1)',
)
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

  /** A BlurHash placeholder: computed for uploads (4×4 components), as the remote server sent it for remote media. */
  @Column({ type: 'text', nullable: true })
  blurhash: string | null;

  /** Where the storage backend keeps the bytes (local uploads). */
  @Column({ type: 'text', nullable: true })
  storageKey: string | null;

  /**
   * Where the storage backend keeps the upload's preview (WebP, at most PREVIEW_MAX_PIXELS); null
   * for remote media and for uploads made before previews existed (their preview is the original).
   */
  @Column({ type: 'text', nullable: true })
  previewStorageKey: string | null;

  @Column({ type: 'integer', nullable: true })
  previewWidth: number | null;

  @Column({ type: 'integer', nullable: true })
  previewHeight: number | null;

  @Column({ type: 'integer', nullable: true })
  previewByteSize: number | null;

  /** The focal point (Mastodon's `meta.focus`): x from −1 (left) to 1 (right), y from −1 (bottom) to 1 (top). */
  @Column({ type: 'real', nullable: true })
  focusX: number | null;

  @Column({ type: 'real', nullable: true })
  focusY: number | null;

  /** The original URL of remote media. */
  @Column({ type: 'text', nullable: true })
  remoteUrl: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
