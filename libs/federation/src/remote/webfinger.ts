import { normalizeHost } from '@guildhall/core';
import { safeGet, type SafeFetchPolicy } from './safe-document-loader';

/** A handle's two parts, as stored: the username lower-cased, the host normalized. */
export interface Acct {
  username: string;
  domain: string;
}

/** What a WebFinger answer says: whose it claims to be (`subject`) and the actor it points to. */
export interface WebFingerAnswer {
  subject: Acct | null;
  /** The `self` link of an ActivityPub type. */
  actorId: string | null;
}

/**
 * A remote username as Mastodon accepts one (`[a-z0-9_]+([a-z0-9_.-]+[a-z0-9_]+)?`, any case),
 * at most 64 characters: no `@`, no spaces, no bidirectional controls to forge a handle with.
 */
const REMOTE_USERNAME = /^[a-z0-9_](?:[a-z0-9_.-]{0,62}[a-z0-9_])?$/i;

export function isRemoteUsername(value: string): boolean {
  return REMOTE_USERNAME.test(value);
}

/** `acct:user@host` (or `user@host`) as an Acct; null when either part is not valid. */
export function parseAcct(text: string): Acct | null {
  const match = /^(?:acct:)?([^@]+)@([^@]+)$/i.exec(text.trim());
  if (!match || !isRemoteUsername(match[1])) return null;
  const domain = normalizeHost(match[2]);
  return domain ? { username: match[1].toLowerCase(), domain } : null;
}

export const sameAcct = (a: Acct | null, b: Acct | null): boolean =>
  a !== null && b !== null && a.username === b.username && a.domain === b.domain;

/**
 * Asks `acct`'s domain who `acct` is: over https, as Mastodon does, or over the scheme of the
 * actor id being confirmed (an actor served over http is asked over http: it is no more trusted
 * than its own document). Null when the server does not answer with a JSON Resource Descriptor.
 */
export async function webFinger(
  acct: Acct,
  policy: SafeFetchPolicy,
  scheme: 'https:' | 'http:' = 'https:',
): Promise<WebFingerAnswer | null> {
  const resource = encodeURIComponent(`acct:${acct.username}@${acct.domain}`);
  const answer = await safeGet(`${scheme}//${acct.domain}/.well-known/webfinger?resource=${resource}`, policy, {
    accept: 'application/jrd+json',
  });
  if (answer.status !== 200) return null;
  const jrd = JSON.parse(answer.body.toString('utf8')) as {
    subject?: unknown;
    links?: { rel?: unknown; type?: unknown; href?: unknown }[];
  };
  const self = (Array.isArray(jrd.links) ? jrd.links : []).find(
    (link) =>
      link.rel === 'self' &&
      typeof link.type === 'string' &&
      (link.type === 'application/activity+json' || link.type.startsWith('application/ld+json')) &&
      typeof link.href === 'string',
  );
  return {
    subject: typeof jrd.subject === 'string' ? parseAcct(jrd.subject) : null,
    actorId: typeof self?.href === 'string' ? self.href : null,
  };
}
