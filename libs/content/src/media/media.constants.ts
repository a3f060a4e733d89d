/** Most images on one post (Mastodon's limit too). */
export const MAX_ATTACHMENTS_PER_POST = 4;
/** Longest image description, in characters (Mastodon's limit too). */
export const MAX_ALT_TEXT_LENGTH = 1500;
/** The window of the per-account upload limit (RATE_LIMIT_MEDIA_UPLOADS uploads per window). */
export const UPLOAD_WINDOW_SECONDS = 600;
/**
 * Most media kept of a remote post: more than local posts may carry (other servers allow more),
 * few enough to bound what one post costs here.
 */
export const MAX_REMOTE_ATTACHMENTS_PER_POST = 16;
/**
 * How long shared caches may keep media everyone may see: short, so that a deleted post's or a
 * suspended owner's files stop being served by caches within the hour (ADR 0019).
 */
export const PUBLIC_MEDIA_MAX_AGE_SECONDS = 3600;
