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
/**
 * The preview ("small") of an upload holds at most this many pixels, the aspect kept (640×360 for
 * 16:9, 480×480 for a square): Mastodon 4's `small` style, which clients size their previews for.
 */
export const PREVIEW_MAX_PIXELS = 230_400;
/** Previews are WebP (every browser and Mastodon app reads it; alpha kept; smaller than JPEG). */
export const PREVIEW_MIME_TYPE = 'image/webp';
export const PREVIEW_QUALITY = 80;
/** A re-encoded original (only when metadata had to be stripped): Mastodon's quality. */
export const REWRITE_QUALITY = 90;
/** BlurHash components across and down (Mastodon's 4×4), computed from an image this many pixels on its longer side. */
export const BLURHASH_COMPONENTS = 4;
export const BLURHASH_SOURCE_SIDE = 100;
/**
 * Uploads decoded at once per process: a 40-megapixel image takes a few hundred MB while it is
 * decoded and re-encoded, so more would wait rather than exhaust memory (ADR 0028).
 */
export const IMAGE_PROCESSING_CONCURRENCY = 2;
