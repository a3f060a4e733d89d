export const IDENTITY_QUEUE = 'identity';

export const IdentityJob = {
  /** Deletes sessions that expired or were revoked more than SESSION_RETENTION_DAYS ago. */
  CleanupSessions: 'cleanup-sessions',
} as const;

export const SESSION_RETENTION_DAYS = 30;

/** How long a steward-issued password reset works (once). */
export const PASSWORD_RESET_TTL_MINUTES = 60;

export enum Role {
  Member = 'member',
  Moderator = 'moderator',
  Admin = 'admin',
}

export const USERNAME_PATTERN = /^[a-z0-9_]{1,30}$/;
export const PASSWORD_MIN_LENGTH = 10;
/** argon2 hashes what it is given: a bound keeps one request from costing seconds. */
export const PASSWORD_MAX_LENGTH = 256;
/** Names that would shadow a route or the instance actor. */
export const RESERVED_USERNAMES = new Set(['actor', 'instance', 'admin_actor', 'inbox', 'users', 'api', 'graphql']);

/** An OAuth authorization code works once, for this long. */
export const OAUTH_CODE_TTL_SECONDS = 600;
/** The redirect URI that shows the code on a page instead of redirecting (RFC 8252's out-of-band). */
export const OAUTH_OOB_REDIRECT = 'urn:ietf:wg:oauth:2.0:oob';
