import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A profile: local (domain null, has a user) or remote (an ActivityPub actor cached here).
 * The social graph and content reference accounts, never users.
 */
@Entity('accounts')
@Index('accounts_local_username_uq', ['username'], { unique: true, where: '"domain" IS NULL' })
@Index('accounts_remote_username_uq', ['username', 'domain'], { unique: true, where: '"domain" IS NOT NULL' })
@Check('accounts_local_username_ck', `"domain" IS NOT NULL OR "username" ~ '^[a-z0-9_]{1,30}$'`)
export class AccountEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  username: string;

  /** Null for local accounts; the remote host (with port if any) otherwise. */
  @Column({ type: 'text', nullable: true })
  domain: string | null;

  @Column({ type: 'text', nullable: true })
  displayName: string | null;

  /** The ActivityPub id of a remote account; local ids derive from PUBLIC_ORIGIN. */
  @Column({ type: 'text', nullable: true, unique: true })
  uri: string | null;

  /** The HTML profile page of a remote account. */
  @Column({ type: 'text', nullable: true })
  url: string | null;

  /** The bio as written (Markdown, local accounts). */
  @Column({ type: 'text', nullable: true })
  bioSource: string | null;

  /** Sanitized HTML. */
  @Column({ type: 'text', nullable: true })
  bio: string | null;

  /** Media served at /media/<id> (local uploads); a remote account's image URLs below. */
  @Column({ type: 'uuid', nullable: true })
  avatarMediaId: string | null;

  @Column({ type: 'uuid', nullable: true })
  headerMediaId: string | null;

  @Column({ type: 'text', nullable: true })
  avatarRemoteUrl: string | null;

  @Column({ type: 'text', nullable: true })
  headerRemoteUrl: string | null;

  /** Profile fields: [{ name, value }] with value as sanitized HTML; at most 4. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  fields: { name: string; value: string }[];

  /** Follow requests must be approved. */
  @Column({ type: 'boolean', default: false })
  manuallyApprovesFollowers: boolean;

  @Column({ type: 'boolean', default: true })
  discoverable: boolean;

  /** A remote actor's endpoints (ActivityPub delivery and collections); null for local accounts. */
  @Column({ type: 'text', nullable: true })
  inboxUrl: string | null;

  @Column({ type: 'text', nullable: true })
  sharedInboxUrl: string | null;

  @Column({ type: 'text', nullable: true })
  followersUrl: string | null;

  /** `Person`, `Service`, `Group`, `Application`… as the remote actor says. */
  @Column({ type: 'text', nullable: true })
  actorType: string | null;

  /** Other ids of this actor (`alsoKnownAs`): a Move is followed only when the target points back. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  alsoKnownAs: string[];

  /** Set when the remote actor moved: the account it moved to. */
  @Column({ type: 'uuid', nullable: true })
  movedToAccountId: string | null;

  /** When a remote actor document was last fetched (refreshed when older than a day). */
  @Column({ type: 'timestamptz', nullable: true })
  lastFetchedAt: Date | null;

  /** Suspended by a moderator (or its server deleted it): hidden everywhere, cannot act. */
  @Column({ type: 'timestamptz', nullable: true })
  suspendedAt: Date | null;

  /**
   * The role of whoever suspended the account ('moderator' or 'admin'; null when not suspended):
   * a suspension an admin made is lifted only by an admin.
   */
  @Column({ type: 'text', nullable: true })
  suspendedByRole: string | null;

  @Column({ type: 'integer', default: 0 })
  postsCount: number;

  @Column({ type: 'integer', default: 0 })
  followersCount: number;

  @Column({ type: 'integer', default: 0 })
  followingCount: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
