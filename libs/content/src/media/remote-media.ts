import { MAX_ALT_TEXT_LENGTH, MAX_REMOTE_ATTACHMENTS_PER_POST } from './media.constants';

/** One attachment of a remote post, as the inbox read it: a link to the file, never downloaded. */
export interface RemoteMediaData {
  /** http(s), allowed by the federation address policy. */
  url: string;
  /** Lower-case `type/subtype`; application/octet-stream when the sender gave none. */
  mimeType: string;
  altText: string | null;
  blurhash: string | null;
  width: number | null;
  height: number | null;
}

/** A remote description as stored: trimmed, blank is none, at most MAX_ALT_TEXT_LENGTH characters. */
export function clampAltText(text: string | null | undefined): string | null {
  const trimmed = text?.trim() ?? '';
  if (!trimmed) return null;
  const chars = [...trimmed];
  return chars.length <= MAX_ALT_TEXT_LENGTH ? trimmed : chars.slice(0, MAX_ALT_TEXT_LENGTH).join('').trimEnd();
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * What may be stored of a remote post's media, whoever read it: http(s) links only, at most
 * MAX_REMOTE_ATTACHMENTS_PER_POST, descriptions clamped; the order is kept.
 */
export function storableRemoteMedia(items: readonly RemoteMediaData[]): RemoteMediaData[] {
  return items
    .filter((item) => isHttpUrl(item.url))
    .slice(0, MAX_REMOTE_ATTACHMENTS_PER_POST)
    .map((item) => ({ ...item, altText: clampAltText(item.altText) }));
}
