import { AccountEntity } from '@guildhall/identity';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PostEntity } from '../posts/post.entity';

/**
 * What one participant has done with a conversation (the direct posts of one thread, named by
 * its root post): read it up to a post, or hidden it up to a post (a newer one brings it back).
 */
@Entity('conversation_marks')
@Index('conversation_marks_pair_uq', ['accountId', 'rootId'], { unique: true })
export class ConversationMarkEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: AccountEntity;

  /** The thread's root post. */
  @Column({ type: 'uuid' })
  rootId: string;

  @ManyToOne(() => PostEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'root_id' })
  root: PostEntity;

  /** The newest post read (null: none). */
  @Column({ type: 'uuid', nullable: true })
  lastReadId: string | null;

  /** Hidden while its newest post is this one or older (null: shown). */
  @Column({ type: 'uuid', nullable: true })
  hiddenUntilId: string | null;
}
