import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A code issued by the consent page, traded once for a token at `POST /oauth/token`
 * (stored hashed; lives OAUTH_CODE_TTL_SECONDS; bound to its app, redirect URI and PKCE challenge).
 */
@Entity('oauth_authorization_codes')
export class OAuthAuthorizationCodeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('oauth_authorization_codes_hash_uq', { unique: true })
  @Column({ type: 'text' })
  codeHash: string;

  @Column({ type: 'uuid' })
  applicationId: string;

  @Column({ type: 'uuid' })
  userId: string;

  @Column({ type: 'text' })
  redirectUri: string;

  @Column({ type: 'text', array: true })
  scopes: string[];

  /** PKCE (RFC 7636), S256 only. */
  @Column({ type: 'text', nullable: true })
  codeChallenge: string | null;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
