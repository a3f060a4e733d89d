import { AccountEntity } from '@guildhall/identity';
import { Column, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryColumn } from 'typeorm';
import { PostEntity } from '../posts/post.entity';

/**
 * A poll on a post (local, or a remote `Question`): one per post. Tallies are cached per option
 * (`votesCounts[i]` for `options[i]`) and kept exact for local polls by incrementing in the vote's
 * transaction; a remote poll's tallies are what its server last said, plus local votes since.
 */
@Entity('polls')
@Index('polls_due_idx', ['expiresAt'], { where: `"closed_at" IS NULL AND "expires_at" IS NOT NULL` })
export class PollEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** One poll per post (the relation's unique constraint). */
  @Column({ type: 'uuid' })
  postId: string;

  @OneToOne(() => PostEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id' })
  post: PostEntity;

  /** The post's author (denormalised: the own-poll rule and local/remote without a join). */
  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: AccountEntity;

  @Column({ type: 'text', array: true })
  options: string[];

  @Column({ type: 'integer', array: true })
  votesCounts: number[];

  /** Several choices per voter (`anyOf`), else one (`oneOf`). */
  @Column({ type: 'boolean', default: false })
  multiple: boolean;

  /** Tallies hidden until the poll ends. */
  @Column({ type: 'boolean', default: false })
  hideTotals: boolean;

  /** Votes cast (a multiple-choice voter casts several). */
  @Column({ type: 'integer', default: 0 })
  votesCount: number;

  /** Accounts that voted; null when a remote server does not say (older Mastodon). */
  @Column({ type: 'integer', nullable: true })
  votersCount: number | null;

  /** Null: never ends (remote polls only). */
  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  /** When its end was processed (PollExpired published): set once, by the expiry sweep. */
  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
