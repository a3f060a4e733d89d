import { AccountEntity } from '@guildhall/identity';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PostEntity } from '../posts/post.entity';

/** A post its author pinned to their profile (own public or unlisted notes, at most MAX_PINNED_POSTS). */
@Entity('pinned_posts')
@Index('pinned_posts_pair_uq', ['accountId', 'postId'], { unique: true })
@Index('pinned_posts_account_idx', ['accountId', 'id'])
export class PinnedPostEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: AccountEntity;

  @Column({ type: 'uuid' })
  postId: string;

  @ManyToOne(() => PostEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id' })
  post: PostEntity;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
