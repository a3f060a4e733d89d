import { ECDH } from 'node:crypto';
import { isIP } from 'node:net';
import { classifyAddress } from '@guildhall/federation';
import { MastodonException } from '../http/mastodon.exception';
import { booleanParam, stringParam } from '../http/params';
import { PushPolicy } from './web-push-subscription.entity';

/** The alerts Mastodon 4.3 documents for `data[alerts]`, in its order. */
export const PUSH_ALERTS = [
  'mention',
  'status',
  'reblog',
  'follow',
  'follow_request',
  'favourite',
  'poll',
  'update',
  'admin.sign_up',
  'admin.report',
] as const;

export type PushAlert = (typeof PUSH_ALERTS)[number];

export interface PushKeysInput {
  endpoint: string;
  p256dh: string;
  auth: string;
  standard: boolean;
}

export interface PushData {
  alerts: Record<PushAlert, boolean>;
  policy: PushPolicy;
}

const POLICIES = new Set<string>(Object.values(PushPolicy));
const MAX_ENDPOINT_LENGTH = 2_048;

function invalid(message: string): MastodonException {
  return MastodonException.unprocessable(`Validation failed: ${message}`);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** base64url (or base64, padded or not, as some apps send) to bytes; null when it is neither. */
function decodeKey(value: string): Buffer | null {
  const url = value.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return /^[A-Za-z0-9_-]+$/.test(url) ? Buffer.from(url, 'base64url') : null;
}

/** An uncompressed P-256 point (65 bytes, 0x04 first) on the curve. */
function isP256Point(bytes: Buffer): boolean {
  if (bytes.length !== 65 || bytes[0] !== 0x04) return false;
  try {
    ECDH.convertKey(bytes, 'prime256v1');
    return true;
  } catch {
    return false;
  }
}

/**
 * `subscription[endpoint]`, `subscription[keys][p256dh|auth]`, `subscription[standard]`: an
 * https endpoint (http, and private IP literals, only where private addresses are allowed: the
 * outbound client refuses names resolving to them at delivery), keys of the right lengths.
 */
export function readSubscription(body: Record<string, unknown>, allowPrivateAddresses: boolean): PushKeysInput {
  const subscription = record(body.subscription);
  const endpoint = stringParam(subscription?.endpoint)?.trim();
  if (!endpoint) throw invalid("Endpoint can't be blank");
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalid('Endpoint is not a URL');
  }
  if (endpoint.length > MAX_ENDPOINT_LENGTH) throw invalid('Endpoint is too long');
  if (url.username || url.password) throw invalid('Endpoint must not carry credentials');
  const schemes = allowPrivateAddresses ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) throw invalid('Endpoint must be an https URL');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!allowPrivateAddresses) {
    const local = host === 'localhost' || host.endsWith('.localhost');
    if (local || (isIP(host) && classifyAddress(host) !== 'public')) {
      throw invalid('Endpoint is not on a public address');
    }
  }
  const keys = record(subscription?.keys);
  const p256dh = stringParam(keys?.p256dh);
  const auth = stringParam(keys?.auth);
  if (!p256dh) throw invalid("Keys p256dh can't be blank");
  if (!auth) throw invalid("Keys auth can't be blank");
  const point = decodeKey(p256dh);
  if (!point || !isP256Point(point)) throw invalid('Keys p256dh is not an uncompressed P-256 public key (65 bytes)');
  const secret = decodeKey(auth);
  if (!secret || secret.length !== 16) throw invalid('Keys auth is not a 16-byte secret');
  return {
    endpoint: url.toString(),
    p256dh: point.toString('base64url'),
    auth: secret.toString('base64url'),
    standard: booleanParam(subscription?.standard),
  };
}

/** `data[alerts][<type>]` (absent means off, as in Mastodon) and `data[policy]` (default `all`). */
export function readData(body: Record<string, unknown>): PushData {
  const data = record(body.data);
  const given = record(data?.alerts) ?? {};
  const alerts = Object.fromEntries(PUSH_ALERTS.map((alert) => [alert, booleanParam(given[alert])])) as Record<
    PushAlert,
    boolean
  >;
  // Mastodon reads `data[policy]`; masto.js sends a top-level `policy`.
  const policy = stringParam(data?.policy) ?? stringParam(body.policy) ?? PushPolicy.All;
  if (!POLICIES.has(policy)) throw invalid('Policy must be one of all, followed, follower, none');
  return { alerts, policy: policy as PushPolicy };
}
