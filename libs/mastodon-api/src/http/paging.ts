import { UUID_PATTERN } from '@guildhall/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Mastodon's paging: `max_id` (older than), `since_id` (newer than, newest first), `min_id`
 * (immediately newer than, the page just above it) and `limit`. Ids are Guildhall's time-ordered
 * UUIDs (or, for lists of follows, notifications…, the row's own id); a value that is not one is
 * ignored, as Mastodon ignores what it cannot page by.
 */
export interface MastodonPage {
  maxId: string | null;
  sinceId: string | null;
  minId: string | null;
  limit: number;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 40;

function idParam(value: unknown): string | null {
  return typeof value === 'string' && UUID_PATTERN.test(value) ? value.toLowerCase() : null;
}

/** Reads the paging parameters; `limit` is clamped to 1..max as Mastodon clamps it. */
export function readPage(
  query: Record<string, unknown>,
  defaults = { limit: DEFAULT_LIMIT, max: MAX_LIMIT },
): MastodonPage {
  const asked = typeof query.limit === 'string' || typeof query.limit === 'number' ? Number(query.limit) : NaN;
  const limit = Number.isFinite(asked) ? Math.min(Math.max(Math.trunc(asked), 1), defaults.max) : defaults.limit;
  return { maxId: idParam(query.max_id), sinceId: idParam(query.since_id), minId: idParam(query.min_id), limit };
}

/**
 * Sets Mastodon's `Link` header for a page whose items are in display order (newest first):
 * `next` pages to older items (`max_id` = the last), `prev` to newer ones (`min_id` = the first).
 * The other query parameters are kept. Nothing is set for an empty page. Like Mastodon, a caller
 * that knows there is nothing older (a short page) leaves `next` out (`{ next: false }`), so a
 * client's paginator stops without asking for an empty page.
 */
export function setLinkHeader(
  request: FastifyRequest,
  reply: FastifyReply,
  origin: string,
  pageIds: readonly string[],
  options: { next?: boolean } = {},
): void {
  if (pageIds.length === 0) return;
  // The request's URL is parsed once; each link is its query with one id set.
  const url = new URL(request.url, origin);
  const params = url.searchParams;
  for (const name of ['max_id', 'since_id', 'min_id']) params.delete(name);
  const base = `${url.origin}${url.pathname}`;
  const link = (name: string, id: string) => {
    const target = new URLSearchParams(params);
    target.set(name, id);
    return `${base}?${target.toString()}${url.hash}`;
  };
  const prev = `<${link('min_id', pageIds[0])}>; rel="prev"`;
  const next = options.next === false ? null : `<${link('max_id', pageIds[pageIds.length - 1])}>; rel="next"`;
  void reply.header('link', next ? `${next}, ${prev}` : prev);
}
