import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A client app registered with `POST /api/v1/apps` (Mastodon's client API). Apps are public
 * registrations, so the secret is stored only as a SHA-256 hash; it is shown once, at creation.
 */
@Entity('oauth_applications')
export class OAuthApplicationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', nullable: true })
  website: string | null;

  /** Exact redirect URIs; `urn:ietf:wg:oauth:2.0:oob` shows the code on a page instead. */
  @Column({ type: 'text', array: true })
  redirectUris: string[];

  /** The most a token of this app may be granted. */
  @Column({ type: 'text', array: true })
  scopes: string[];

  @Index('oauth_applications_client_id_uq', { unique: true })
  @Column({ type: 'text' })
  clientId: string;

  @Column({ type: 'text' })
  clientSecretHash: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
