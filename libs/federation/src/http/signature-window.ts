import type { IncomingHttpHeaders } from 'node:http';

/**
 * When a signed request may be accepted: Mastodon's window (SignatureVerification#matches_time_window?).
 * Created is the signature's `created` parameter, else the `Date` header; expires is its `expires`
 * parameter, else created + 5 minutes, and never later than created + 12 hours. A signature
 * created more than an hour ahead of our clock, or more than an hour past its expiry, is refused.
 * A draft-cavage `created`/`expires` counts only when the signature covers `(created)`/`(expires)`
 * (unsigned, anyone replaying the request could stretch them); RFC 9421's parameters are always
 * signed. Checked once, before the fast path and before Fedify (whose own window is off), so both
 * paths apply exactly this rule (ADR 0017).
 */
export const SIGNATURE_LIFETIME_MS = 5 * 60_000;
export const MAX_SIGNATURE_LIFETIME_MS = 12 * 3_600_000;
export const CLOCK_SKEW_MS = 3_600_000;

export interface SignatureTimes {
  /** Epoch ms. */
  created: number;
  expires: number;
  /** What `created` was read from, for the reason given to the sender. */
  source: 'Date' | 'created';
}

/** Why a signature is outside its window (or has no time at all); null when it is inside. */
export function signatureWindowRefusal(headers: IncomingHttpHeaders, now = Date.now()): string | null {
  const times = signatureTimes(headers);
  if (typeof times === 'string') return times;
  for (const { created, expires, source } of times) {
    if (created > now + CLOCK_SKEW_MS) return `Signature ${source} is too far in the future`;
    if (now > expires + CLOCK_SKEW_MS) return `Signature expired (its ${source} is too old)`;
  }
  return null;
}

/** The window of every signature on the request (RFC 9421 may carry several), or why there is none. */
export function signatureTimes(headers: IncomingHttpHeaders): SignatureTimes[] | string {
  const input = headers['signature-input'];
  const params =
    typeof input === 'string'
      ? rfc9421Members(input).map((member) => rfc9421Times(member))
      : typeof headers.signature === 'string'
        ? [cavageTimes(headers.signature)]
        : [];
  if (params.length === 0) return 'Missing HTTP signature';
  const windows: SignatureTimes[] = [];
  for (const { created, expires } of params) {
    if (created === 'malformed' || expires === 'malformed') return 'Unparseable signature created or expires';
    let start: number;
    let source: SignatureTimes['source'] = 'created';
    if (created !== undefined) start = created * 1000;
    else {
      const date = headers.date;
      if (typeof date !== 'string') return 'Signature has no creation time (no created parameter or Date header)';
      start = Date.parse(date);
      if (Number.isNaN(start)) return 'Unparseable Date header';
      source = 'Date';
    }
    const end = expires === undefined ? start + SIGNATURE_LIFETIME_MS : expires * 1000;
    windows.push({ created: start, expires: Math.min(end, start + MAX_SIGNATURE_LIFETIME_MS), source });
  }
  return windows;
}

type Seconds = number | undefined | 'malformed';

function seconds(value: string | undefined): Seconds {
  if (value === undefined) return undefined;
  return /^\d{1,12}$/.test(value) ? Number(value) : 'malformed';
}

/** draft-cavage: `created`/`expires` parameters, each only when its pseudo-header is signed. */
function cavageTimes(header: string): { created: Seconds; expires: Seconds } {
  const params = new Map<string, string>();
  for (const match of header.matchAll(/([a-zA-Z]+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) {
    params.set(match[1].toLowerCase(), match[2] ?? match[3]);
  }
  const covered = (params.get('headers') ?? 'date').toLowerCase().split(/\s+/);
  return {
    created: covered.includes('(created)') ? seconds(params.get('created')) : undefined,
    expires: covered.includes('(expires)') ? seconds(params.get('expires')) : undefined,
  };
}

/** RFC 9421 §4.1: `label=(components);param=value;…`, members separated by commas outside quotes and lists. */
function rfc9421Members(header: string): string[] {
  const members: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < header.length; i++) {
    const c = header[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      members.push(header.slice(start, i));
      start = i + 1;
    }
  }
  members.push(header.slice(start));
  return members.map((member) => member.trim()).filter((member) => member.length > 0);
}

function rfc9421Times(member: string): { created: Seconds; expires: Seconds } {
  // The parameters follow the inner list's closing parenthesis (component names are quoted).
  let close = -1;
  let quoted = false;
  for (let i = 0; i < member.length && close < 0; i++) {
    if (member[i] === '"') quoted = !quoted;
    else if (member[i] === ')' && !quoted) close = i;
  }
  const params = member.slice(close + 1);
  const value = (name: string): string | undefined => {
    const match = new RegExp(`;\\s*${name}=([^;]*)`).exec(params);
    return match?.[1].trim();
  };
  return { created: seconds(value('created')), expires: seconds(value('expires')) };
}
