import { AccountEntity } from '@guildhall/identity';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PostEntity } from '../posts/post.entity';

/** An uploaded (or remote) image: attached to a post, or used as an avatar or header. */
@Entity('media_attachments')
@Index('media_attachments_post_idx', ['postId', 'position'])
@Index('media_attachments_account_idx', ['accountId', 'id'])
export class MediaAttachmentEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** The uploader. */
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

  /** Detected from the file's bytes, not taken from the client. */
  @Column({ type: 'text' })
  mimeType: string;

  @Column({ type: 'integer' })
  byteSize: number;

  @Column({ type: 'integer' })
  width: number;

  @Column({ type: 'integer' })
  height: number;

  @Column({ type: 'text', nullable: true })
  altText: string | null;

  /** Where the storage backend keeps the bytes (local uploads). */
  @Column({ type: 'text', nullable: true })
  storageKey: string | null;

  /** The original URL of remote media. */
  @Column({ type: 'text', nullable: true })
  remoteUrl: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
