import { AccountEntity } from '@guildhall/identity';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

export enum FollowState {
  Pending = 'pending',
  Accepted = 'accepted',
  Rejected = 'rejected',
}

/** A follow or follow request between two accounts, local or remote. */
@Entity('follows')
@Index('follows_pair_uq', ['followerId', 'followeeId'], { unique: true })
@Index('follows_followee_state_idx', ['followeeId', 'state', 'id'])
@Index('follows_follower_state_idx', ['followerId', 'state', 'id'])
export class FollowEntity {
  /** UUIDv7: pages of followers sort by when the follow was made. */
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  followerId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'follower_id' })
  follower: AccountEntity;

  @Column({ type: 'uuid' })
  followeeId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'followee_id' })
  followee: AccountEntity;

  @Column({ type: 'enum', enum: FollowState, enumName: 'follow_state' })
  state: FollowState;

  /** The ActivityPub id of a remote Follow activity. */
  @Column({ type: 'text', nullable: true, unique: true })
  uri: string | null;

  /** Mastodon's `reblogs`: the follower's home shows the followee's boosts (false hides them). */
  @Column({ type: 'boolean', default: true })
  showReblogs: boolean;

  /** Mastodon's `notify`: the follower gets a `status` notification for each new post of the followee. */
  @Column({ type: 'boolean', default: false })
  notify: boolean;

  /**
   * Mastodon's `languages`: the follower's home shows only the followee's posts in these
   * (ISO 639-1) languages, and posts with no language; null shows every language.
   */
  @Column({ type: 'text', array: true, nullable: true })
  languages: string[] | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
