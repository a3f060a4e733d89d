import { AccountEntity } from '@guildhall/identity';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PollEntity } from './poll.entity';

/** One choice of one voter: a multiple-choice voter has a row per option chosen. */
@Entity('poll_votes')
@Index('poll_votes_choice_uq', ['pollId', 'accountId', 'choice'], { unique: true })
@Index('poll_votes_account_idx', ['accountId', 'pollId'])
export class PollVoteEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  pollId: string;

  @ManyToOne(() => PollEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'poll_id' })
  poll: PollEntity;

  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: AccountEntity;

  /** The option's index in `polls.options`. */
  @Column({ type: 'integer' })
  choice: number;

  /** A remote vote's ActivityPub id (its Note): a redelivery is one vote. */
  @Column({ type: 'text', nullable: true, unique: true })
  uri: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
