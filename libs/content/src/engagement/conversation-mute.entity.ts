import { AccountEntity } from '@guildhall/identity';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PostEntity } from '../posts/post.entity';

/**
 * An account muted a conversation: the thread whose root post is `rootPostId` (the post at the
 * top of the reply chain). Private to the account; notifications of the thread are not for it.
 */
@Entity('conversation_mutes')
export class ConversationMuteEntity {
  @PrimaryColumn('uuid')
  accountId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: AccountEntity;

  @PrimaryColumn('uuid')
  rootPostId: string;

  @ManyToOne(() => PostEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'root_post_id' })
  rootPost: PostEntity;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
