import { AccountEntity } from '@guildhall/identity';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { HashtagEntity } from './hashtag.entity';

/** `accountId` follows the hashtag (Mastodon's followed tags). */
@Entity('followed_hashtags')
@Index('followed_hashtags_uq', ['accountId', 'hashtagId'], { unique: true })
export class FollowedHashtagEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: AccountEntity;

  @Column({ type: 'uuid' })
  hashtagId: string;

  @ManyToOne(() => HashtagEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'hashtag_id' })
  hashtag: HashtagEntity;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
