import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { signatureWindowRefusal } from './signature-window';

/**
 * Why an inbox POST was refused: a bounded label for metrics (`guildhall_inbox_activities_total`).
 * The first ones are decided at the door (here), the last by Fedify's verification behind it.
 */
export enum InboxRefusalCode {
  BodyTooLarge = 'body_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  MalformedJson = 'malformed_json',
  MalformedActivity = 'malformed_activity',
  MissingSignature = 'missing_signature',
  SignatureCoverage = 'signature_coverage',
  MissingDigest = 'missing_digest',
  DigestMismatch = 'digest_mismatch',
  SignatureWindow = 'signature_window',
  ForeignActivityId = 'foreign_activity_id',
  BlockedDomain = 'blocked_domain',
  /** The inbound backlog is over FEDERATION_INBOX_BACKLOG: 503, the sender retries later (inbox-backlog.ts). */
  Backlog = 'backlog',
  /** Fedify's 401: the signature did not verify, or its key is not the actor's. */
  SignatureInvalid = 'signature_invalid',
  /** Fedify's 404: a personal inbox of no such account. */
  UnknownInbox = 'unknown_inbox',
  /** Any other answer from Fedify that is not a 2xx. */
  Other = 'other',
}

/** An inbox POST refused before Fedify sees it: the status and the reason given to the sender. */
export class InboxRefusal {
  constructor(
    readonly status: 400 | 401 | 403 | 413 | 415 | 503,
    readonly reason: string,
    readonly code: InboxRefusalCode,
    /** Seconds a sender should wait before trying again (503). */
    readonly retryAfterSeconds?: number,
  ) {}

  toResponse(): Response {
    const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8' };
    if (this.retryAfterSeconds !== undefined) headers['Retry-After'] = String(this.retryAfterSeconds);
    return new Response(this.reason, { status: this.status, headers });
  }
}

const ACTIVITY_TYPES = /^application\/(?:activity\+json|ld\+json)\s*(?:;.*)?$/i;

/** Reads the body, refusing more than `maxBytes` (declared or streamed) with 413. */
export async function readBody(raw: IncomingMessage, maxBytes: number): Promise<Buffer | InboxRefusal> {
  const declared = Number(raw.headers['content-length'] ?? NaN);
  const tooLarge = new InboxRefusal(413, `Body larger than ${maxBytes} bytes`, InboxRefusalCode.BodyTooLarge);
  if (declared > maxBytes) {
    raw.resume();
    return tooLarge;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of raw as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      raw.resume();
      return tooLarge;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** `key="value", key2=value2` (draft-cavage Signature header) → map. */
function parseSignatureParams(header: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const match of header.matchAll(/([a-zA-Z]+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    params.set(match[1].toLowerCase(), match[2] ?? match[3]);
  }
  return params;
}

/**
 * The checks FEDERATION.md asks of every inbox POST that Fedify's verifier does not make itself
 * or makes without saying why: content type, JSON shape, a signature that covers the request
 * target, the date and the digest, a digest that matches the raw bytes, a signature inside its
 * time window (signature-window.ts), an activity id on its actor's origin. Then the fast path or
 * Fedify verifies the signature, with keys whose owner was confirmed (keys/key-ownership.ts).
 */
export function checkInboxRequest(
  headers: IncomingMessage['headers'],
  body: Buffer,
  now = Date.now(),
): { activity: Record<string, unknown> } | InboxRefusal {
  const contentType = headers['content-type'] ?? '';
  if (!ACTIVITY_TYPES.test(contentType)) {
    return new InboxRefusal(
      415,
      'Content-Type must be application/activity+json or application/ld+json',
      InboxRefusalCode.UnsupportedMediaType,
    );
  }
  let activity: unknown;
  try {
    activity = JSON.parse(body.toString('utf8'));
  } catch {
    return new InboxRefusal(400, 'Malformed JSON', InboxRefusalCode.MalformedJson);
  }
  if (typeof activity !== 'object' || activity === null || Array.isArray(activity)) {
    return new InboxRefusal(400, 'An activity must be a JSON object', InboxRefusalCode.MalformedActivity);
  }
  const record = activity as Record<string, unknown>;
  if (typeof record.type !== 'string' || record.actor == null) {
    return new InboxRefusal(400, 'An activity needs a type and an actor', InboxRefusalCode.MalformedActivity);
  }

  const cavage = headers.signature;
  const rfc9421 = headers['signature-input'];
  if (typeof cavage !== 'string' && typeof rfc9421 !== 'string') {
    return new InboxRefusal(401, 'Missing HTTP signature', InboxRefusalCode.MissingSignature);
  }
  if (typeof cavage === 'string' && typeof rfc9421 !== 'string') {
    const signed = (parseSignatureParams(cavage).get('headers') ?? 'date').toLowerCase().split(/\s+/);
    if (!signed.includes('(request-target)'))
      return new InboxRefusal(401, 'Signature must cover (request-target)', InboxRefusalCode.SignatureCoverage);
    if (!signed.includes('date') && !signed.includes('(created)')) {
      return new InboxRefusal(401, 'Signature must cover date or (created)', InboxRefusalCode.SignatureCoverage);
    }
    if (!signed.includes('digest'))
      return new InboxRefusal(401, 'Signature must cover digest', InboxRefusalCode.SignatureCoverage);
  } else if (typeof rfc9421 === 'string' && !/"content-digest"/i.test(rfc9421)) {
    return new InboxRefusal(401, 'Signature must cover content-digest', InboxRefusalCode.SignatureCoverage);
  }

  const digestRefusal = checkDigest(headers, body);
  if (digestRefusal) return digestRefusal;

  const outsideWindow = signatureWindowRefusal(headers, now);
  if (outsideWindow) return new InboxRefusal(401, outsideWindow, InboxRefusalCode.SignatureWindow);

  // Mastodon's origin rule for the activity itself: an id on another origin than its actor's is
  // refused before anything is enqueued or recorded, so no one can claim another server's ids
  // (Fedify records processed ids: one squatted first would drop the real activity, ADR 0017).
  const actor = actorId(record);
  if (typeof record.id === 'string' && (actor === null || originOf(record.id) !== originOf(actor))) {
    return new InboxRefusal(400, "The activity id must be on its actor's origin", InboxRefusalCode.ForeignActivityId);
  }
  return { activity: record };
}

/** `Digest: SHA-256=<b64>` (draft-cavage) or `Content-Digest: sha-256=:<b64>:` (RFC 9530) vs the raw body. */
function checkDigest(headers: IncomingMessage['headers'], body: Buffer): InboxRefusal | null {
  const sha256 = createHash('sha256').update(body).digest('base64');
  const digest = headers.digest;
  const contentDigest = headers['content-digest'];
  if (typeof digest !== 'string' && typeof contentDigest !== 'string') {
    return new InboxRefusal(401, 'Missing Digest header', InboxRefusalCode.MissingDigest);
  }
  if (typeof digest === 'string') {
    const value = digest
      .split(',')
      .map((part) => part.trim())
      .find((part) => part.toLowerCase().startsWith('sha-256='));
    if (!value) return new InboxRefusal(401, 'Digest must include SHA-256', InboxRefusalCode.MissingDigest);
    if (value.slice('sha-256='.length) !== sha256)
      return new InboxRefusal(401, 'Digest does not match the body', InboxRefusalCode.DigestMismatch);
  }
  if (typeof contentDigest === 'string') {
    const match = /sha-256=:([^:]*):/i.exec(contentDigest);
    if (!match) return new InboxRefusal(401, 'Content-Digest must include sha-256', InboxRefusalCode.MissingDigest);
    if (match[1] !== sha256)
      return new InboxRefusal(401, 'Content-Digest does not match the body', InboxRefusalCode.DigestMismatch);
  }
  return null;
}

/** The id of the activity's actor: `actor` as a string, or an embedded object's `id`. */
export function actorId(activity: Record<string, unknown>): string | null {
  const actor = activity.actor;
  if (typeof actor === 'string') return actor;
  if (typeof actor === 'object' && actor !== null && typeof (actor as { id?: unknown }).id === 'string') {
    return (actor as { id: string }).id;
  }
  return null;
}

/** `scheme://host[:port]` of an http(s) URL, lower-case; null for anything else. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/** The host of the activity's actor (an id string or an embedded object with one), lower-case. */
export function actorHost(activity: Record<string, unknown>): string | null {
  const id = actorId(activity);
  if (id === null) return null;
  try {
    return new URL(id).host.toLowerCase();
  } catch {
    return null;
  }
}

/** The host of the signing key (draft-cavage keyId or RFC 9421 keyid), lower-case. */
export function keyHost(headers: IncomingMessage['headers']): string | null {
  const raw = headers.signature ?? headers['signature-input'];
  if (typeof raw !== 'string') return null;
  const keyId = /keyid="([^"]+)"/i.exec(raw)?.[1];
  if (!keyId) return null;
  try {
    return new URL(keyId).host.toLowerCase();
  } catch {
    return null;
  }
}
