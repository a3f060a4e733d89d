/** Most images on one post (Mastodon's limit too). */
export const MAX_ATTACHMENTS_PER_POST = 4;
/** Longest image description, in characters (Mastodon's limit too). */
export const MAX_ALT_TEXT_LENGTH = 1500;
/** The window of the per-account upload limit (RATE_LIMIT_MEDIA_UPLOADS uploads per window). */
export const UPLOAD_WINDOW_SECONDS = 600;
