import { isIP } from 'node:net';
import { normalizeHost } from '@guildhall/core';

/**
 * A moderator's `host[:port]` as it is stored and matched: `normalizeHost` (lower-case, IDNs as
 * punycode, no trailing dot, the port only when it is not 443), and a host name, not an IP
 * literal. Null when it is not one (a URL, a path, credentials, an IPv6 literal, an empty label…).
 */
export function normalizeDomain(input: string): string | null {
  const host = normalizeHost(input);
  if (host === null || host.startsWith('[') || isIP(host.replace(/:\d+$/, '')) !== 0) return null;
  return host;
}

/**
 * The block entries that would cover `host` (host[:port], normalized here: `BLOCKED.example.` is
 * `blocked.example`): the host itself with its port, its host name, and every parent domain of
 * two labels or more. A block on `example.com` thus covers `example.com:8443` and
 * `a.example.com`; a block on `example.com:8443` covers that port only. DomainBlockCache and the
 * purge's SQL (DomainPurgeRepository) decide the same way. A host that does not normalize is
 * matched as given, lower-cased (it can be covered by nothing else).
 */
export function blockCandidates(host: string): string[] {
  const lower = normalizeHost(host) ?? host.trim().toLowerCase();
  const hostname = lower.replace(/:\d+$/, '');
  if (hostname.startsWith('[')) return [...new Set([lower, hostname])];
  const labels = hostname.split('.');
  const parents = isIP(hostname) ? [] : labels.slice(1, -1).map((_, i) => labels.slice(i + 1).join('.'));
  return [...new Set([lower, hostname, ...parents])];
}
