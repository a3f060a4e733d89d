import { AccountEntity } from '@guildhall/identity';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * `accountId` mutes `targetId`: the target's posts leave the muter's timelines and, with
 * `hideNotifications`, its notifications; until `expiresAt` when set (muteInForce).
 */
@Entity('mutes')
@Index('mutes_pair_uq', ['accountId', 'targetId'], { unique: true })
export class MuteEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: AccountEntity;

  @Column({ type: 'uuid' })
  targetId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'target_id' })
  target: AccountEntity;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  /** Null: for good. From then on the mute no longer applies (every read checks, muteInForce). */
  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  /** Mastodon's `notifications` flag: the target's notifications are silenced too. */
  @Column({ type: 'boolean', default: true })
  hideNotifications: boolean;
}
