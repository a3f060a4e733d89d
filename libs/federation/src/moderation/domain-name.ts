/** One DNS label: letters, digits, inner hyphens (IDNs arrive here already as punycode). */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A moderator's `host[:port]` as it is stored and matched: lower-case, IDNs as punycode, no
 * trailing dot, the port only when it is not 443. Null when it is not a host name (a URL, a path,
 * credentials, an IPv6 literal, an empty label…).
 */
export function normalizeDomain(input: string): string | null {
  const text = input.trim().replace(/\.(?=:\d+$|$)/, '');
  if (!text || text.length > 261 || /[/?#@\\\s[\]]/.test(text)) return null;
  let url: URL;
  try {
    url = new URL(`https://${text}`);
  } catch {
    return null;
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) return null;
  if (!url.hostname.split('.').every((label) => LABEL.test(label))) return null;
  return url.host;
}

/**
 * The block entries that would cover `host` (host[:port]): the host itself with its port, its host
 * name, and every parent domain of two labels or more. A block on `example.com` thus covers
 * `example.com:8443` and `a.example.com`; a block on `example.com:8443` covers that port only.
 * DomainBlockCache and the purge's SQL (DomainPurgeRepository) decide the same way.
 */
export function blockCandidates(host: string): string[] {
  const lower = host.toLowerCase();
  const hostname = lower.replace(/:\d+$/, '');
  const labels = hostname.split('.');
  const parents = labels.slice(1, -1).map((_, i) => labels.slice(i + 1).join('.'));
  return [...new Set([lower, hostname, ...parents])];
}
