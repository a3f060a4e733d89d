import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../accounts/user.entity';
import { OAuthApplicationEntity } from '../oauth/oauth-application.entity';

/**
 * A signed-in device or an authorized app. First-party sessions (GraphQL `logIn`) carry
 * short-lived JWT access tokens that name the session and a rotating refresh token; an app
 * authorized through OAuth (the Mastodon client API) holds one long-lived opaque access token
 * and the scopes it was granted. Either way revoking the session (log out, revoke the app, a
 * suspension, a password change) ends its tokens at once, and tokens are stored only as
 * SHA-256 hashes. An app's own token (`client_credentials`) is a session without a user.
 */
@Entity('sessions')
@Check('sessions_owner_ck', '"user_id" IS NOT NULL OR "application_id" IS NOT NULL')
export class SessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Null only for an app's own token (`client_credentials`). */
  @Index('sessions_user_id_idx')
  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user: UserEntity | null;

  /** First-party sessions only. */
  @Column({ type: 'text', unique: true, nullable: true })
  refreshTokenHash: string | null;

  /** The OAuth app this session authorizes (null for a first-party session). */
  @Index('sessions_application_id_idx')
  @Column({ type: 'uuid', nullable: true })
  applicationId: string | null;

  @ManyToOne(() => OAuthApplicationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id' })
  application: OAuthApplicationEntity | null;

  /** An app's opaque bearer token (hashed); null for first-party sessions. */
  @Column({ type: 'text', unique: true, nullable: true })
  accessTokenHash: string | null;

  /** The OAuth scopes granted; null for a first-party session, which may do everything. */
  @Column({ type: 'text', array: true, nullable: true })
  scopes: string[] | null;

  @Column({ type: 'text', nullable: true })
  ip: string | null;

  @Column({ type: 'text', nullable: true })
  userAgent: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  lastUsedAt: Date;

  /** Null for an app's token: it stays valid until revoked (Mastodon apps never refresh). */
  @Index('sessions_expires_at_idx')
  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
