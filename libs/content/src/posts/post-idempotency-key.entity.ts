import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A client's `Idempotency-Key` for a post it created: the same key from the same account within
 * an hour names the same post, so a retried request publishes nothing twice (Mastodon's rule).
 */
@Entity('post_idempotency_keys')
@Index('post_idempotency_keys_created_idx', ['createdAt'])
export class PostIdempotencyKeyEntity {
  @PrimaryColumn('uuid')
  accountId: string;

  @PrimaryColumn('text')
  key: string;

  @Column({ type: 'uuid' })
  postId: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
