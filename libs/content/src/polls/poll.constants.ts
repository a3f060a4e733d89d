/**
 * Mastodon's poll limits (app/validators/poll_options_validator.rb and poll_expiration_validator.rb),
 * for local polls; /api/v2/instance reports them as `configuration.polls`.
 */
export const POLL_LIMITS = {
  minOptions: 2,
  maxOptions: 4,
  /** Counted in grapheme clusters, as Mastodon does. */
  maxCharactersPerOption: 50,
  /** Seconds. */
  minExpiration: 300,
  /** Seconds: one month, as Mastodon's `1.month`. */
  maxExpiration: 2_629_746,
} as const;

/** Bounds on what a remote Question may bring: a poll beyond them is not stored (the post is). */
export const REMOTE_POLL_LIMITS = {
  maxOptions: 20,
  maxCharactersPerOption: 500,
} as const;
