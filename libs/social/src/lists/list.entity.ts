import { AccountEntity } from '@guildhall/identity';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/** Which replies a list's timeline shows: to accounts the owner follows, to list members, or none. */
export enum ListRepliesPolicy {
  Followed = 'followed',
  List = 'list',
  None = 'none',
}

/** A member's private list of accounts they follow: its own timeline (Mastodon's lists). */
@Entity('lists')
@Index('lists_account_idx', ['accountId', 'id'])
export class ListEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: AccountEntity;

  @Column({ type: 'text' })
  title: string;

  @Column({
    type: 'enum',
    enum: ListRepliesPolicy,
    enumName: 'list_replies_policy',
    default: ListRepliesPolicy.List,
  })
  repliesPolicy: ListRepliesPolicy;

  /** Members' posts show in this list only, not in the owner's home timeline. */
  @Column({ type: 'boolean', default: false })
  exclusive: boolean;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
