import { AccountEntity } from '@guildhall/identity';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { FollowEntity } from '../follows/follow.entity';
import { ListEntity } from './list.entity';

/**
 * An account on a list. It hangs on the owner's follow of the account, as in Mastodon: ending
 * the follow (unfollow, block) takes the account off the owner's lists.
 */
@Entity('list_accounts')
@Index('list_accounts_pair_uq', ['listId', 'accountId'], { unique: true })
@Index('list_accounts_account_idx', ['accountId'])
@Index('list_accounts_follow_idx', ['followId'])
export class ListAccountEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  listId: string;

  @ManyToOne(() => ListEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'list_id' })
  list: ListEntity;

  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: AccountEntity;

  @Column({ type: 'uuid' })
  followId: string;

  @ManyToOne(() => FollowEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'follow_id' })
  follow: FollowEntity;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
