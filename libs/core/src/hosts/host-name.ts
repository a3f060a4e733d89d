import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/** One DNS label: letters, digits, inner hyphens (IDNs are punycode by then). */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
/** A host name, an IPv4 literal or a bracketed IPv6 literal, then an optional port. */
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/;

/**
 * `host[:port]` as every remote host is stored and compared (domain blocks and their cache, host
 * health, remote accounts' domain, actor origin checks, handles): lower-case, an IDN as punycode
 * (node:url domainToASCII, UTS #46), without the trailing dot of a fully qualified name, IPv4 in
 * dotted form and IPv6 compressed in brackets, the port kept unless it is https's 443. Null when
 * the text is not a host[:port]: a URL, a path, a query, credentials, spaces, an empty label.
 * ADR 0018: one function, so `BLOCKED.example.` and `blocked.example` are the same host everywhere.
 */
export function normalizeHost(input: string): string | null {
  const text = input.trim();
  if (!text || text.length > 261 || /[/?#@\\%\s]/.test(text)) return null;
  const match = HOST_PORT.exec(text);
  if (!match) return null;
  const [, rawName, port] = match;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)) return null;
  let name: string;
  if (rawName.startsWith('[')) {
    if (isIP(rawName.slice(1, -1)) !== 6) return null;
    name = rawName;
  } else {
    const ascii = domainToASCII(rawName.replace(/\.$/, ''));
    if (!ascii) return null;
    name = ascii;
  }
  let url: URL;
  try {
    // The WHATWG host parser writes IPv4 and IPv6 literals in their one canonical form.
    url = new URL(`https://${name}${port === undefined ? '' : `:${port}`}`);
  } catch {
    return null;
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) return null;
  const hostname = url.hostname;
  if (!hostname.startsWith('[') && isIP(hostname) !== 4 && !hostname.split('.').every((label) => LABEL.test(label))) {
    return null;
  }
  return url.host;
}

/** The normalized host of `url` (a URL or its text); null when it has none. */
export function hostOf(url: URL | string): string | null {
  try {
    return normalizeHost(new URL(url).host);
  } catch {
    return null;
  }
}
