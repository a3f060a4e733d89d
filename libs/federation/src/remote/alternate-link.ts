/**
 * Finding the ActivityPub document behind a web page, as Mastodon's FetchResourceService does: a
 * response that is not ActivityPub JSON may name one in a `Link: <…>; rel="alternate"` header or
 * a `<link rel="alternate" type="application/activity+json" href="…">` element of its HTML.
 */

const AS_PROFILE = 'https://www.w3.org/ns/activitystreams';

/** `application/activity+json`, or `application/ld+json` (with the ActivityStreams profile when `strict`). */
export function isActivityPubType(contentType: string | null, strict = false): boolean {
  if (!contentType) return false;
  const [mediaType, ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType === 'application/activity+json') return true;
  if (mediaType !== 'application/ld+json') return false;
  if (!strict) return true;
  return parameters.some((parameter) => parameter.replace(/\s+/g, '') === `profile="${AS_PROFILE}"`);
}

/** The ActivityPub alternate named by a `Link` header, resolved against `base`; null when none. */
export function alternateFromLinkHeader(header: string | null, base: string): string | null {
  if (!header) return null;
  // Each link: `<uri>` then `; name=value` parameters (values quoted or not), comma-separated.
  const links = header.matchAll(/<([^>]*)>((?:\s*;\s*[a-z*-]+\s*=\s*(?:"[^"]*"|[^;,\s]*))*)/gi);
  for (const [, href, rest] of links) {
    const parameters = readParameters(rest, /;\s*([a-z*-]+)\s*=\s*(?:"([^"]*)"|([^;,\s]*))/gi);
    if (isAlternate(parameters)) return resolve(href, base);
  }
  return null;
}

/** The ActivityPub alternate named by a `<link>` element of an HTML page, resolved against `base`. */
export function alternateFromHtml(html: string, base: string): string | null {
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const attributes = readParameters(tag, /\s([a-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi);
    const href = attributes.get('href');
    if (href && isAlternate(attributes)) return resolve(decodeEntities(href), base);
  }
  return null;
}

function readParameters(text: string, pattern: RegExp): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const match of text.matchAll(pattern)) {
    const name = match[1].toLowerCase();
    if (!parameters.has(name)) parameters.set(name, match.slice(2).find((value) => value !== undefined) ?? '');
  }
  return parameters;
}

function isAlternate(parameters: Map<string, string>): boolean {
  const rel = (parameters.get('rel') ?? '').toLowerCase().split(/\s+/);
  return rel.includes('alternate') && isActivityPubType(decodeEntities(parameters.get('type') ?? ''), true);
}

function resolve(href: string, base: string): string | null {
  try {
    return new URL(href.trim(), base).href;
  } catch {
    return null;
  }
}

const ENTITIES: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>' };

/** The character references an attribute value may hold (named ones HTML attributes use, and numeric). */
function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}
