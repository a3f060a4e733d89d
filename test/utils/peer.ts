import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';

/**
 * An independent ActivityPub peer on loopback (test/peer/peer-server.mjs): a separate Fedify
 * process with its own keys, serving http (object ids) and https (WebFinger for `acct:` handles),
 * driven through its JSON control API. Every POST to its inboxes is recorded and its HTTP signature
 * checked by its own node:crypto verifier, independent of Fedify and of Guildhall.
 */

const ROOT = join(__dirname, '..', '..');
export const PEER_SCRIPT = join(ROOT, 'test', 'peer', 'peer-server.mjs');

export type HttpSignatureSpec = 'draft-cavage-http-signatures-12' | 'rfc9421';

export interface PeerOptions {
  /** PEM file(s) the peer trusts besides the system CAs (NODE_EXTRA_CA_CERTS), e.g. another peer's `caCertPath`. */
  extraCaCerts?: string | string[];
  /** Which HTTP Signatures spec Fedify tries first when delivering (default draft-cavage, as Mastodon signs). */
  firstKnock?: HttpSignatureSpec;
  /** Serve https with this certificate instead of a fresh one (see {@link generateLocalhostCertificate}). */
  tls?: { certPath: string; keyPath: string };
  /** Print Fedify's logs at this LogTape level on the peer's stderr (shown when PEER_DEBUG is set). */
  log?: 'trace' | 'debug' | 'info' | 'warning' | 'error';
  /** Extra environment for the peer process. */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the ready line (default 20 s). */
  startTimeoutMs?: number;
}

export interface PeerActor {
  id: string;
  username: string;
  /** `username@localhost:<https port>`, resolvable by WebFinger over https. */
  handle: string;
  inbox: string;
  sharedInbox: string;
  outbox: string;
  followers: string;
  following: string;
  /** `<id>#main-key`, RSA 2048, the `publicKey` of the actor document. */
  keyId: string;
  /** `<id>#multikey-2`, Ed25519, in the actor's `assertionMethod`. */
  ed25519KeyId: string;
}

export interface RemoteActor {
  id: string;
  inbox: string | null;
  sharedInbox: string | null;
  preferredUsername: string | null;
}

export interface PeerActorDetails extends Omit<PeerActor, 'followers' | 'following'> {
  name: string | null;
  summary: string | null;
  alsoKnownAs: string[];
  movedTo: string | null;
  deleted: boolean;
  followers: (RemoteActor & { followId: string | null })[];
  following: { id: string; followId: string; state: 'pending' | 'accepted' | 'rejected'; target: RemoteActor }[];
}

/** What the peer's own verifier concluded about a received request's HTTP signature. */
export interface Verification {
  verified: boolean;
  scheme: 'draft-cavage' | 'rfc9421' | null;
  keyId: string | null;
  /** The key's owner (`owner` of the key, or the actor document holding it). */
  keyOwner: string | null;
  /** Whether the key's owner is the activity's `actor` (null when no key was loaded). */
  ownerMatchesActor: boolean | null;
  algorithm: string | null;
  /** draft-cavage `headers` list, or RFC 9421 component identifiers. */
  signedHeaders: string[];
  /** Why it is not verified; null when verified. */
  reason: string | null;
}

/** Parsed JSON as the peer reports it; typed loosely so tests can reach into it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export type Activity = Record<string, Json>;

/** One POST that arrived at one of the peer's inboxes. */
export interface ReceivedEntry {
  /** 1, 2, …, in the order the peer finished handling them. */
  seq: number;
  receivedAt: string;
  method: string;
  url: string;
  /** `/inbox` (shared) or `/users/<name>/inbox`. */
  path: string;
  headers: Record<string, string | string[]>;
  /** The raw body as received (UTF-8). */
  body: string;
  /** The parsed body, or null when it is not JSON. */
  activity: Activity | null;
  type: string | null;
  id: string | null;
  actor: string | null;
  objectType: string | null;
  objectId: string | null;
  verification: Verification;
  /** What the peer (Fedify) answered: 202 accepted, 401 bad signature, … */
  status: number | null;
  responseBody: string | null;
  /** The inbox listener that handled it (`Follow`, `Accept`, `Create`, …), null when none ran. */
  listener: string | null;
  listenerError: string | null;
  /** The addressed local actor for a personal inbox, null for the shared inbox. */
  recipient: string | null;
}

export interface ReceivedFilter {
  type?: string;
  objectType?: string;
  /** The activity's actor id. */
  actor?: string;
  path?: string;
  /** Only entries with seq greater than this. */
  after?: number;
  verified?: boolean;
  /** Only entries the peer answered 2xx (true) or not (false). */
  accepted?: boolean;
}

export interface Delivery {
  inbox: string;
  ok: boolean;
  /** The inbox's status on the last attempt (null if it never answered). */
  status: number | null;
  error: string | null;
}

export interface DeliveryRecord extends Delivery {
  seq: number;
  activityId: string;
  type: string;
  actors: string[];
  attempts: {
    method: string;
    url: string;
    scheme: 'draft-cavage' | 'rfc9421' | null;
    status: number | null;
    error: string | null;
  }[];
  responseBody?: string;
}

export interface SendResult {
  activityId: string;
  deliveries: Delivery[];
}

export interface DeliveryOptions {
  /** Deliver only to this inbox (or these), instead of the computed ones. */
  inbox?: string | string[];
  /** Deliver to shared inboxes when the recipient has one (default true; false for follow/unfollow). */
  preferSharedInbox?: boolean;
}

export interface CreateActorInput {
  username: string;
  /** What the actor document claims as `preferredUsername` instead of the username (to test refusals). */
  preferredUsername?: string;
  name?: string;
  summary?: string;
  alsoKnownAs?: string | string[];
}

export interface CreateInput extends DeliveryOptions {
  actor: string;
  /** HTML. */
  content: string;
  type?: 'Note' | 'Article';
  name?: string;
  summary?: string;
  sensitive?: boolean;
  inReplyTo?: string;
  /** public (default): to Public, cc followers; unlisted: to followers, cc Public; followers; direct: to the mentioned. */
  to?: 'public' | 'unlisted' | 'followers' | 'direct';
  /** Actor URIs or handles: a Mention tag each, addressed and delivered to. */
  mention?: string[];
  /** Extra URIs for `cc`. */
  cc?: string[];
  hashtags?: string[];
  /** The post's `attachment`, in order (see {@link AttachmentInput}). */
  attachment?: AttachmentInput[];
}

/**
 * An attachment as AS2 JSON. Fedify serializes it, so terms it does not model (Mastodon's
 * `blurhash`, `focalPoint`) are not sent: use `rawPost` for those.
 */
export type AttachmentInput =
  | {
      type: 'Document' | 'Image' | 'Video' | 'Audio';
      url: string;
      mediaType?: string;
      name?: string;
      summary?: string;
      width?: number;
      height?: number;
    }
  | { type: 'Link'; href: string; mediaType?: string; name?: string }
  | { type: 'PropertyValue'; name: string; value: string };

export interface RawPostInput {
  url: string;
  /** The exact body to send. */
  body?: string;
  method?: string;
  /** Header overrides (lower-cased on the wire); null removes a default (content-type, accept). */
  headers?: Record<string, string | null>;
  /** Add a Linked Data Signature (RsaSignature2017) to the JSON body with `actor`'s RSA key, claiming `keyId`. */
  ldSign?: { actor: string; keyId?: string };
  sign?: {
    /** The peer actor whose key signs (unless keyOf). */
    actor: string;
    /** Sign with this other peer actor's key (key owner ≠ activity actor). */
    keyOf?: string;
    /** Claim this keyId instead of the signer's own. */
    keyId?: string;
    scheme?: 'draft-cavage' | 'rfc9421';
    /** RFC 9421 only: sign with the Ed25519 key (`#multikey-2`) instead of RSA. */
    algorithm?: 'rsa' | 'ed25519';
    /** Neither sent nor signed. */
    omit?: ('digest' | 'date' | 'host' | 'content-type' | 'content-digest' | '(request-target)')[];
    /** The Date to send and sign (e.g. a stale one); RFC 9421's `created` is its time. */
    date?: string;
    /** RFC 9421 only: the `expires` parameter (epoch seconds). */
    expires?: number;
    /** Change the body after signing (adds `"tampered": true` to a JSON object). */
    tamperBody?: boolean;
    /** Header names / RFC 9421 components to sign instead of the defaults. */
    headers?: string[];
  };
}

export interface RawPostResult {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
  sent: { method: string; headers: Record<string, string>; body: string | null };
}

export interface FetchResult {
  status: number;
  contentType: string | null;
  headers: Record<string, string>;
  json: Json;
  body: string;
}

export interface Peer {
  httpOrigin: string;
  httpsOrigin: string;
  /** `localhost:<https port>`: the host part of the peer's handles. */
  handleHost: string;
  /** The peer's self-signed certificate (PEM), to trust through NODE_EXTRA_CA_CERTS. */
  caCertPath: string;
  pid: number;
  createActor(input: CreateActorInput): Promise<PeerActor>;
  /**
   * WebFinger for `acct:username@<this peer>` answers `href` as the self link (another server's
   * actor, say) with this peer's handle as subject; null answers 404; undefined answers as usual.
   */
  overrideWebFinger(input: { username: string; href?: string | null }): Promise<{ username: string }>;
  actor(username: string): Promise<PeerActorDetails>;
  /** target: a handle (`alice@host:port`, WebFinger over https, falling back to http) or an actor URI. */
  follow(
    input: { actor: string; target: string } & DeliveryOptions,
  ): Promise<SendResult & { followId: string; target: RemoteActor }>;
  unfollow(input: { actor: string; target: string } & DeliveryOptions): Promise<SendResult & { followId: string }>;
  create(input: CreateInput): Promise<SendResult & { objectId: string }>;
  update(
    input: {
      actor: string;
      object: string;
      content?: string;
      name?: string;
      summary?: string;
      /** Replaces the attachments when given. */
      attachment?: AttachmentInput[];
    } & DeliveryOptions,
  ): Promise<SendResult & { objectId: string }>;
  delete(input: { actor: string; object: string } & DeliveryOptions): Promise<SendResult & { objectId: string }>;
  /** target: the recipient (default: the object's author, looked up). */
  like(input: { actor: string; object: string; target?: string } & DeliveryOptions): Promise<SendResult>;
  announce(input: { actor: string; object: string; target?: string } & DeliveryOptions): Promise<SendResult>;
  undo(input: { actor: string; activityId: string } & DeliveryOptions): Promise<SendResult & { objectId: string }>;
  block(input: { actor: string; target: string } & DeliveryOptions): Promise<SendResult>;
  flag(
    input: { actor: string; target: string; objects?: string[]; content?: string } & DeliveryOptions,
  ): Promise<SendResult>;
  /** target: the new actor's URI. Sent to the followers. */
  move(input: { actor: string; target: string } & DeliveryOptions): Promise<SendResult>;
  updateActor(
    input: { actor: string; name?: string; summary?: string | null; alsoKnownAs?: string[] } & DeliveryOptions,
  ): Promise<SendResult>;
  deleteActor(input: { actor: string } & DeliveryOptions): Promise<SendResult>;
  received(filter?: ReceivedFilter): Promise<ReceivedEntry[]>;
  /** Resolves with the matching entries once at least `count` exist; throws after `timeoutMs`. */
  waitFor(
    type: string,
    count?: number,
    timeoutMs?: number,
    filter?: Omit<ReceivedFilter, 'type'>,
  ): Promise<ReceivedEntry[]>;
  /** The peer's own deliveries (one per inbox), with each attempt's status and signature scheme. */
  sent(filter?: { type?: string; after?: number }): Promise<DeliveryRecord[]>;
  /** Waits until background deliveries (Accepts of Follows) are done. */
  idle(): Promise<void>;
  rawPost(input: RawPostInput): Promise<RawPostResult>;
  /**
   * Answers GETs of `path` (on both ports) with this fixed response from now on: a web page, a
   * forged or oversized document. Answers the URL on the http origin.
   */
  serve(input: {
    path: string;
    body: string;
    status?: number;
    /** Default `application/activity+json`. */
    contentType?: string;
    headers?: Record<string, string>;
  }): Promise<{ url: string }>;
  /** The GETs a served path answered: the Accept sent and the HTTP signature's keyId (null: unsigned). */
  served(path: string): Promise<{ accept: string | null; keyId: string | null }[]>;
  /**
   * Serves a key document (`/forged-keys/…`) with `actor`'s RSA public key that names `owner` (any
   * actor URI, e.g. one on another server) as its owner; sign with `{ actor, keyId }` to use it.
   */
  forgeKey(input: { actor: string; owner: string }): Promise<{ keyId: string }>;
  /** A GET signed by `actor` (Fedify's signer; default the peer's instance actor `_peer`), or unsigned. */
  fetch(
    url: string,
    options?: { actor?: string; signed?: boolean; accept?: string; scheme?: 'draft-cavage' | 'rfc9421' },
  ): Promise<FetchResult>;
  /** Trusts another certificate from now on (tls.setDefaultCACertificates in the peer). */
  trust(caCertPath: string): Promise<void>;
  /**
   * Test-only slowness (0 turns one off): inbox POSTs are answered, and recorded, `inboxMs` after
   * they arrive; GETs of actor documents `actorMs` after. Answers the delays and the actor GETs seen.
   */
  delay(delays: {
    inboxMs?: number;
    actorMs?: number;
  }): Promise<{ inboxMs: number; actorMs: number; actorGets: number }>;
  /** What the peer wrote on stderr. */
  logs(): string;
  stop(): Promise<void>;
}

export class PeerError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: Json,
  ) {
    super(message);
  }
}

/** A self-signed localhost certificate (openssl) that several peers can share via `tls`. */
export function generateLocalhostCertificate(): { certPath: string; keyPath: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'guildhall-peer-cert-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync(
    existsSync('/usr/bin/openssl') ? '/usr/bin/openssl' : 'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:0:0:0:0:0:0:0:1',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { certPath, keyPath, dir };
}

/**
 * Makes this process trust a peer's certificate (e.g. a Guildhall server running inside Jest that
 * looks up `acct:` handles over https), without restarting it.
 */
export function trustCertificateInThisProcess(caCertPath: string): void {
  setDefaultCACertificates([...getCACertificates('default'), readFileSync(caCertPath, 'utf8')]);
}

function childEnv(options: PeerOptions, scratch: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, PEER_EXIT_ON_STDIN_END: '1' };
  // Jest's own flags (--experimental-vm-modules) are not for the peer.
  delete env.NODE_OPTIONS;
  const extra = [options.extraCaCerts ?? []].flat();
  if (extra.length === 1) env.NODE_EXTRA_CA_CERTS = extra[0];
  else if (extra.length > 1) {
    const bundle = join(scratch, 'extra-ca.pem');
    writeFileSync(bundle, extra.map((path) => readFileSync(path, 'utf8')).join('\n'));
    env.NODE_EXTRA_CA_CERTS = bundle;
  }
  if (options.firstKnock) env.PEER_FIRST_KNOCK = options.firstKnock;
  if (options.tls) {
    env.PEER_TLS_CERT = options.tls.certPath;
    env.PEER_TLS_KEY = options.tls.keyPath;
  }
  if (options.log) env.PEER_LOG = options.log;
  return env;
}

interface Ready {
  httpOrigin: string;
  httpsOrigin: string;
  handleHost: string;
  caCertPath: string;
  pid: number;
}

function waitForReady(child: ChildProcess, stderr: () => string, timeoutMs: number): Promise<Ready> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => fail(new Error(`peer did not start within ${timeoutMs} ms\n${stderr()}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (!line.startsWith('{')) continue;
        try {
          const ready = JSON.parse(line) as Ready;
          if (typeof ready.httpOrigin === 'string') {
            cleanup();
            resolve(ready);
            return;
          }
        } catch {
          // not the ready line
        }
      }
    };
    const onExit = (code: number | null) => fail(new Error(`peer exited (${code}) before it was ready\n${stderr()}`));
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      // Keep draining stdout so the peer never blocks on a full pipe.
      child.stdout!.resume();
    };
    const fail = (error: Error) => {
      cleanup();
      child.kill('SIGKILL');
      reject(error);
    };
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Starts a peer process and resolves once it listens. Call `stop()` when done. */
export async function startPeer(options: PeerOptions = {}): Promise<Peer> {
  const scratch = mkdtempSync(join(tmpdir(), 'guildhall-peer-env-'));
  const child = spawn(process.execPath, [PEER_SCRIPT], {
    cwd: ROOT,
    env: childEnv(options, scratch),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (process.env.PEER_DEBUG) process.stderr.write(chunk);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let ready: Ready;
  try {
    ready = await waitForReady(child, () => stderr, options.startTimeoutMs ?? 20_000);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
  const base = ready.httpOrigin;

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${base}/_control/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json: Json;
    try {
      json = JSON.parse(text);
    } catch {
      json = { error: text };
    }
    if (!response.ok) {
      throw new PeerError(
        response.status,
        `peer ${method} /_control/${path}: ${response.status} ${json?.error ?? text}`,
        json,
      );
    }
    return json as T;
  }

  const query = (values: Record<string, string | number | boolean | undefined>) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(values)) if (value !== undefined) params.set(key, String(value));
    return params.toString();
  };

  const post =
    <I, O>(path: string) =>
    (input: I) =>
      call<O>('POST', path, input);

  return {
    ...ready,
    createActor: post('actors'),
    overrideWebFinger: post('webfinger'),
    actor: (username) => call('GET', `actor?${query({ username })}`),
    follow: post('follow'),
    unfollow: post('unfollow'),
    create: post('create'),
    update: post('update'),
    delete: post('delete'),
    like: post('like'),
    announce: post('announce'),
    undo: post('undo'),
    block: post('block'),
    flag: post('flag'),
    move: post('move'),
    updateActor: post('update-actor'),
    deleteActor: post('delete-actor'),
    async received(filter = {}) {
      return (await call<{ entries: ReceivedEntry[] }>('GET', `received?${query({ ...filter })}`)).entries;
    },
    async waitFor(type, count = 1, timeoutMs = 10_000, filter = {}) {
      try {
        const path = `wait?${query({ ...filter, type, count, timeoutMs })}`;
        return (await call<{ entries: ReceivedEntry[] }>('GET', path)).entries;
      } catch (error) {
        if (error instanceof PeerError && error.status === 408) {
          const seen = (error.body?.all ?? []) as {
            seq: number;
            type: string;
            path: string;
            status: number;
            verified: boolean;
          }[];
          const list = seen.map(
            (e) => `#${e.seq} ${e.type} ${e.path} → ${e.status}${e.verified ? '' : ' (unverified)'}`,
          );
          throw new Error(
            `${error.message}\nreceived so far: ${list.join('; ') || 'nothing'}\n${stderr.slice(-4000)}`,
            { cause: error },
          );
        }
        throw error;
      }
    },
    async sent(filter = {}) {
      return (await call<{ deliveries: DeliveryRecord[] }>('GET', `sent?${query({ ...filter })}`)).deliveries;
    },
    async idle() {
      await call('GET', 'idle');
    },
    rawPost: post('raw-post'),
    forgeKey: post('forge-key'),
    serve: post('serve'),
    async served(path) {
      return (
        await call<{ hits: { accept: string | null; keyId: string | null }[] }>('GET', `served?${query({ path })}`)
      ).hits;
    },
    fetch: (url, options = {}) => call('GET', `fetch?${query({ url, ...options })}`),
    async trust(caCertPath) {
      await call('POST', 'trust', { caCertPath });
    },
    delay: (delays) => call('POST', 'delay', delays),
    logs: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
