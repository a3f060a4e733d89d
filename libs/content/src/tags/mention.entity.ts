import { AccountEntity } from '@guildhall/identity';
import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PostEntity } from '../posts/post.entity';

/** An account @mentioned in a post: it is notified and may see the post whatever its visibility. */
@Entity('mentions')
@Index('mentions_account_idx', ['accountId', 'postId'])
export class MentionEntity {
  @PrimaryColumn('uuid')
  postId: string;

  @PrimaryColumn('uuid')
  accountId: string;

  @ManyToOne(() => PostEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id' })
  post: PostEntity;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: AccountEntity;
}
