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
