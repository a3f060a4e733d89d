import type { DocumentLoader } from '@fedify/fedify/runtime';
import { Audio, Document, Image, Link, type Object as ApObject, Video } from '@fedify/fedify/vocab';
import { clampAltText, MAX_REMOTE_ATTACHMENTS_PER_POST, type RemoteMediaData } from '@guildhall/content';
import { remoteText } from '../remote/remote-text';

/** `type/subtype` (RFC 6838 names), parameters dropped. */
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
const UNKNOWN_MIME_TYPE = 'application/octet-stream';
const BASE83 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~';
/** Mastodon accepts BlurHashes of at most 5×5 components. */
const MAX_BLURHASH_COMPONENTS = 5;
/** Larger claimed sizes are nonsense (and would not fit the column). */
const MAX_DIMENSION = 100_000;

/** Attachment types that are media; `Link`, `PropertyValue`, `Page`, `Note`… are not. */
const MEDIA_TYPES: ReadonlySet<unknown> = new Set([Document, Image, Video, Audio]);

export interface AttachmentReadOptions {
  /** The object as its sender wrote it, for what Fedify does not model (`blurhash`); null if unknown. */
  raw: unknown;
  /** The address policy for linked files (http(s), no private addresses, no blocked domains). */
  allowUrl: (url: URL) => boolean;
}

/** A BlurHash as Mastodon accepts one: base 83, its length matching its size flag, at most 5×5 components. */
export function isBlurhash(value: unknown): value is string {
  if (typeof value !== 'string' || value.length < 6 || value.length > 4 + 2 * 9 * 9) return false;
  if (![...value].every((char) => BASE83.includes(char))) return false;
  const size = BASE83.indexOf(value[0]);
  const x = (size % 9) + 1;
  const y = Math.floor(size / 9) + 1;
  return x <= MAX_BLURHASH_COMPONENTS && y <= MAX_BLURHASH_COMPONENTS && value.length === 4 + 2 * x * y;
}

function mimeType(value: string | null | undefined): string | null {
  const type = value?.split(';', 1)[0].trim().toLowerCase();
  return type && MIME_TYPE.test(type) ? type : null;
}

function dimensions(document: Document): { width: number | null; height: number | null } {
  const valid = (n: number | null) => n !== null && Number.isSafeInteger(n) && n > 0 && n <= MAX_DIMENSION;
  // Both or neither: one side alone gives no aspect ratio.
  return valid(document.width) && valid(document.height)
    ? { width: document.width, height: document.height }
    : { width: null, height: null };
}

/** Every text the attachment gives goes through this (control characters dropped). */
const text = remoteText;

/** The file's URL (the first one the policy allows) and the type a `Link` url gave it. */
function fileOf(document: Document, allowUrl: (url: URL) => boolean): { url: string; linkType: string | null } | null {
  for (const url of document.urls) {
    const href = url instanceof Link ? url.href : url;
    if (href instanceof URL && allowUrl(href)) {
      return { url: href.href, linkType: url instanceof Link ? url.mediaType : null };
    }
  }
  return null;
}

/** BlurHashes by file URL, read from the attachments as sent (Mastodon's `blurhash` term). */
function blurhashesByUrl(raw: unknown): Map<string, string> {
  const found = new Map<string, string>();
  const attachments = (raw as { attachment?: unknown } | null)?.attachment;
  for (const item of Array.isArray(attachments) ? attachments : [attachments]) {
    if (item === null || typeof item !== 'object') continue;
    const { url, blurhash } = item as { url?: unknown; blurhash?: unknown };
    if (typeof url === 'string' && URL.canParse(url) && isBlurhash(blurhash)) found.set(new URL(url).href, blurhash);
  }
  return found;
}

/**
 * The media of a remote post object, in order, as links to the files (nothing is downloaded):
 * `Document`, `Image`, `Video` and `Audio` attachments with an allowed http(s) URL; everything else
 * is skipped. Description from `summary` or `name` (as Mastodon reads it), clamped. `loaders` must
 * not fetch: an attachment given only by id is skipped.
 */
export async function readRemoteAttachments(
  object: ApObject,
  loaders: { documentLoader: DocumentLoader; contextLoader: DocumentLoader; suppressError: true },
  options: AttachmentReadOptions,
): Promise<RemoteMediaData[]> {
  const blurhashes = blurhashesByUrl(options.raw);
  const media: RemoteMediaData[] = [];
  for await (const attachment of object.getAttachments(loaders)) {
    if (media.length >= MAX_REMOTE_ATTACHMENTS_PER_POST) break;
    if (!(attachment instanceof Document) || !MEDIA_TYPES.has(attachment.constructor)) continue;
    const file = fileOf(attachment, options.allowUrl);
    if (!file) continue;
    media.push({
      url: file.url,
      mimeType: mimeType(attachment.mediaType) ?? mimeType(file.linkType) ?? UNKNOWN_MIME_TYPE,
      altText: clampAltText(text(attachment.summary)) ?? clampAltText(text(attachment.name)),
      blurhash: blurhashes.get(file.url) ?? null,
      ...dimensions(attachment),
    });
  }
  return media;
}
