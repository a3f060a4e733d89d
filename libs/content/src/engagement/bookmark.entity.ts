import { AccountEntity } from '@guildhall/identity';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PostEntity } from '../posts/post.entity';

/** Private: only the bookmarking account sees its bookmarks. */
@Entity('bookmarks')
@Index('bookmarks_pair_uq', ['accountId', 'postId'], { unique: true })
@Index('bookmarks_account_idx', ['accountId', 'id'])
export class BookmarkEntity {
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
