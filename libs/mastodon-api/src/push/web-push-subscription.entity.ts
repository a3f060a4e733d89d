import { AccountEntity } from '@guildhall/identity';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';

/** Who may push a notification to the subscription (Mastodon's `data[policy]`). */
export enum PushPolicy {
  All = 'all',
  Followed = 'followed',
  Follower = 'follower',
  None = 'none',
}

/**
 * A Mastodon app's Web Push subscription: one per access token (session), as in Mastodon, so
 * revoking the token voids it at once: a delivery asks identity whether the session is still
 * live and deletes the subscription of one that is not. Owned by libs/mastodon-api (only the
 * Mastodon API creates, reads and delivers to it); `sessions` is identity's, so no foreign key.
 */
@Entity('web_push_subscriptions')
export class WebPushSubscriptionEntity {
  /** UUIDv7; a new one each time the app subscribes again. */
  @PrimaryColumn('uuid')
  id: string;

  /** The session (access token) that subscribed: identity's `sessions`, deleted with it. */
  @Index('web_push_subscriptions_session_uq', { unique: true })
  @Column({ type: 'uuid' })
  sessionId: string;

  /** The local account notified. */
  @Index('web_push_subscriptions_account_idx')
  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: AccountEntity;

  @Column({ type: 'text' })
  endpoint: string;

  /** The app's ECDH public key (P-256, uncompressed, base64url). */
  @Column({ type: 'text' })
  keyP256dh: string;

  /** The app's 16-byte authentication secret (base64url). */
  @Column({ type: 'text' })
  keyAuth: string;

  /** RFC 8291 (aes128gcm) when true; Mastodon's legacy draft encoding (aesgcm) when false. */
  @Column({ type: 'boolean', default: false })
  standard: boolean;

  /** Notification types pushed, by Mastodon's name (`mention`, `favourite`…). */
  @Column({ type: 'jsonb' })
  alerts: Record<string, boolean>;

  @Column({ type: 'enum', enum: PushPolicy, enumName: 'web_push_policy', default: PushPolicy.All })
  policy: PushPolicy;

  /**
   * The bearer token the app subscribed with, sealed (AES-256-GCM under a key derived from the
   * instance secret): Mastodon's push payload carries it so the app can fetch the notification.
   */
  @Column({ type: 'text' })
  sealedAccessToken: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
