// An independent ActivityPub peer for Guildhall's test suite: a separate process built on Fedify,
// with its own keys, serving the same app over http and https on loopback, and a JSON control API
// under /_control/ (see test/utils/peer.ts for the typed client and test/peer/README.md).
//
// Every POST to one of its inboxes is recorded with its raw bytes and checked, before Fedify sees
// it, by an HTTP Signatures verifier written with node:crypto only (./http-signatures.mjs).
//
// Environment:
//   PEER_FIRST_KNOCK        'draft-cavage-http-signatures-12' (default, as Mastodon signs) or 'rfc9421'
//   PEER_TLS_CERT/_KEY      PEM files to serve https with (default: a fresh self-signed localhost cert)
//   PEER_LOG                a LogTape level ('debug', 'info', …) to print Fedify's logs on stderr
//   PEER_EXIT_ON_STDIN_END  '1': exit when stdin closes (the parent died)
import { deliveryContext } from './outbound-log.mjs';
import { execFileSync } from 'node:child_process';
import { KeyObject, randomUUID, webcrypto } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { Temporal } from '@js-temporal/polyfill';
import { createFederation, MemoryKvStore, signJsonLd, signRequest } from '@fedify/fedify';
import * as vocab from '@fedify/fedify/vocab';
import { createVerifier, extractKey, signDraftCavage, signRfc9421 } from './http-signatures.mjs';

const env = process.env;
const INSTANCE = '_peer';
const MAX_BODY = 64 * 1024 * 1024;
const AS_CONTEXT = 'https://www.w3.org/ns/activitystreams';

// ---------------------------------------------------------------------------------------------
// Logging, TLS certificate, servers
// ---------------------------------------------------------------------------------------------

const log = (...args) => console.error('[peer]', ...args);

if (env.PEER_LOG) {
  const { configure } = await import('@logtape/logtape');
  await configure({
    sinks: {
      stderr: (record) =>
        process.stderr.write(
          `[fedify] ${record.level} ${record.category.join('.')}: ${record.message.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('')}\n`,
        ),
    },
    loggers: [
      { category: 'fedify', sinks: ['stderr'], lowestLevel: env.PEER_LOG },
      { category: ['logtape', 'meta'], sinks: [], lowestLevel: 'fatal' },
    ],
  });
}

const tempDir = mkdtempSync(join(tmpdir(), 'guildhall-peer-'));
let certPath = env.PEER_TLS_CERT;
let keyPath = env.PEER_TLS_KEY;
if (!certPath || !keyPath) {
  certPath = join(tempDir, 'localhost-cert.pem');
  keyPath = join(tempDir, 'localhost-key.pem');
  const openssl = existsSync('/usr/bin/openssl') ? '/usr/bin/openssl' : 'openssl';
  // A throwaway self-signed certificate for localhost; it is its own CA (NODE_EXTRA_CA_CERTS).
  execFileSync(
    openssl,
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
}

const httpServer = http.createServer((req, res) => void handle(req, res, 'http'));
const httpsServer = https.createServer(
  { cert: readFileSync(certPath), key: readFileSync(keyPath) },
  (req, res) => void handle(req, res, 'https'),
);
const listen = (server) => new Promise((resolve, reject) => server.once('error', reject).listen(0, () => resolve()));
await listen(httpServer);
await listen(httpsServer);
const httpPort = httpServer.address().port;
const httpsPort = httpsServer.address().port;
const webOrigin = `http://localhost:${httpPort}`;
const httpsOrigin = `https://localhost:${httpsPort}`;
const handleHost = `localhost:${httpsPort}`;

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

/** username → { username, name, summary, alsoKnownAs, keyPairs, followers, following, movedTo, deleted, … } */
const actors = new Map();
/** note id → { object, username, targets, tos, ccs, deletedAt } */
const objects = new Map();
/** forged key id → { username (whose RSA key), owner (any actor URI, typically on another server) } */
const forgedKeys = new Map();
/** activity id → { activity, username, targets, options } (activities this peer sent; they dereference) */
const activities = new Map();
/** username → the actor id WebFinger answers for `acct:username@<this peer>` instead (null: 404). */
const webFingerOverrides = new Map();
/** Fixed responses set by /_control/serve (path → { status, contentType, body, headers, hits }): pages and forged documents. */
const served = new Map();
/** Everything POSTed to an inbox, in the order Fedify finished with it. */
const received = [];
/** Deliveries this peer made (one per inbox). */
const sent = [];
const waiters = new Set();
const pending = new Set();
let receivedSeq = 0;
let sentSeq = 0;
/** Test-only slowness, set by /_control/delay: inbox POSTs wait before they are answered (and recorded); GETs of actor documents before they are answered. */
const delays = { inboxMs: 0, actorMs: 0 };
/** GETs of actor documents (`/users/{name}`) seen, counted when they arrive. */
let actorGets = 0;

const newActivityId = () => new URL(`/activities/${randomUUID()}`, webOrigin);
const actorUri = (username) => new URL(`/users/${username}`, webOrigin);
const followersUri = (username) => new URL(`/users/${username}/followers`, webOrigin);
const now = () => Temporal.Now.instant();

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function getActor(username, { allowDeleted = false } = {}) {
  if (typeof username !== 'string') throw new HttpError(400, '`actor` (a username of this peer) is required');
  const actor = actors.get(username);
  if (!actor || (actor.deleted && !allowDeleted)) throw new HttpError(404, `no actor ${username} on this peer`);
  return actor;
}

async function generateKeyPairs() {
  const rsa = await webcrypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
  const ed25519 = await webcrypto.subtle.generateKey('Ed25519', true, ['sign', 'verify']);
  return [rsa, ed25519];
}

function describe(actor) {
  const id = actorUri(actor.username).href;
  return {
    id,
    username: actor.username,
    handle: `${actor.username}@${handleHost}`,
    inbox: `${id}/inbox`,
    sharedInbox: `${webOrigin}/inbox`,
    outbox: `${id}/outbox`,
    followers: `${id}/followers`,
    following: `${id}/following`,
    keyId: `${id}#main-key`,
    ed25519KeyId: `${id}#multikey-2`,
  };
}

function background(promise) {
  pending.add(promise);
  promise.catch((error) => log('background task failed:', error)).finally(() => pending.delete(promise));
}

// ---------------------------------------------------------------------------------------------
// Federation
// ---------------------------------------------------------------------------------------------

const firstKnock = env.PEER_FIRST_KNOCK || 'draft-cavage-http-signatures-12';
const federation = createFederation({
  kv: new MemoryKvStore(),
  origin: { handleHost, webOrigin },
  allowPrivateAddress: true,
  firstKnock,
});
const context = () => federation.createContext(new URL(webOrigin), null);

async function buildActor(ctx, identifier) {
  const keys = await ctx.getActorKeyPairs(identifier);
  if (identifier === INSTANCE) {
    return new vocab.Application({
      id: ctx.getActorUri(identifier),
      preferredUsername: INSTANCE,
      name: 'Guildhall test peer',
      inbox: ctx.getInboxUri(identifier),
      outbox: ctx.getOutboxUri(identifier),
      endpoints: new vocab.Endpoints({ sharedInbox: ctx.getInboxUri() }),
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((key) => key.multikey),
      manuallyApprovesFollowers: true,
    });
  }
  const actor = actors.get(identifier);
  if (!actor || actor.deleted) return null;
  return new vocab.Person({
    id: ctx.getActorUri(identifier),
    preferredUsername: actor.preferredUsername ?? identifier,
    name: actor.name,
    summary: actor.summary,
    url: ctx.getActorUri(identifier),
    published: actor.published,
    inbox: ctx.getInboxUri(identifier),
    outbox: ctx.getOutboxUri(identifier),
    followers: ctx.getFollowersUri(identifier),
    following: ctx.getFollowingUri(identifier),
    endpoints: new vocab.Endpoints({ sharedInbox: ctx.getInboxUri() }),
    publicKey: keys[0].cryptographicKey,
    assertionMethods: keys.map((key) => key.multikey),
    aliases: actor.alsoKnownAs.map((uri) => new URL(uri)),
    successor: actor.movedTo ? new URL(actor.movedTo) : null,
    manuallyApprovesFollowers: false,
    discoverable: true,
  });
}

federation
  .setActorDispatcher('/users/{identifier}', buildActor)
  .setKeyPairsDispatcher((_ctx, identifier) => actors.get(identifier)?.keyPairs ?? []);

federation
  .setFollowersDispatcher('/users/{identifier}/followers', (_ctx, identifier) => {
    const actor = actors.get(identifier);
    if (!actor || actor.deleted) return null;
    const items = [...actor.followers.values()].map((follower) => ({
      id: new URL(follower.id),
      inboxId: new URL(follower.inbox),
      endpoints: follower.sharedInbox ? { sharedInbox: new URL(follower.sharedInbox) } : null,
    }));
    return { items };
  })
  .setCounter((_ctx, identifier) => actors.get(identifier)?.followers.size ?? null);

federation
  .setFollowingDispatcher('/users/{identifier}/following', (_ctx, identifier) => {
    const actor = actors.get(identifier);
    if (!actor || actor.deleted) return null;
    const items = [...actor.following.entries()].filter(([, f]) => f.state === 'accepted').map(([id]) => new URL(id));
    return { items };
  })
  .setCounter(
    (_ctx, identifier) =>
      [...(actors.get(identifier)?.following.values() ?? [])].filter((f) => f.state === 'accepted').length,
  );

federation
  .setOutboxDispatcher('/users/{identifier}/outbox', (_ctx, identifier) => {
    const actor = actors.get(identifier);
    if (identifier === INSTANCE) return { items: [] };
    if (!actor || actor.deleted) return null;
    return { items: [...actor.outbox].reverse() };
  })
  .setCounter((_ctx, identifier) => actors.get(identifier)?.outbox.length ?? 0);

federation.setNodeInfoDispatcher('/nodeinfo/2.1', () => ({
  software: { name: 'guildhall-test-peer', version: '0.1.0' },
  protocols: ['activitypub'],
  usage: {
    users: { total: [...actors.values()].filter((a) => !a.deleted && !a.isInstance).length },
    localPosts: objects.size,
    localComments: 0,
  },
  openRegistrations: false,
}));

// Notes and Articles share /notes/{id}; the first route answers for both with whichever type it is.
const dispatchNote = (_ctx, values) => {
  const stored = objects.get(new URL(`/notes/${values.id}`, webOrigin).href);
  return stored && !stored.deletedAt ? stored.object : null;
};
federation.setObjectDispatcher(vocab.Note, '/notes/{id}', dispatchNote);
federation.setObjectDispatcher(vocab.Article, '/notes/{id}', dispatchNote);

/** Marks the received entry (the request's context data) as handled by a listener. */
function handledBy(ctx, name) {
  if (ctx.data) {
    ctx.data.listener = name;
    ctx.data.recipient = ctx.recipient ?? null;
  }
}

function recipientFrom(actor) {
  return {
    id: actor.id?.href ?? null,
    inbox: actor.inboxId?.href ?? null,
    sharedInbox: actor.endpoints?.sharedInbox?.href ?? null,
    preferredUsername: actor.preferredUsername?.toString() ?? null,
  };
}

federation
  .setInboxListeners('/users/{identifier}/inbox', '/inbox')
  .on(vocab.Follow, async (ctx, follow) => {
    handledBy(ctx, 'Follow');
    const parsed = ctx.parseUri(follow.objectId);
    if (parsed?.type !== 'actor') return;
    const actor = actors.get(parsed.identifier);
    if (!actor || actor.deleted) return;
    const documentLoader = await ctx.getDocumentLoader({ identifier: actor.username });
    const follower = await follow.getActor({ documentLoader, contextLoader: ctx.contextLoader });
    if (follower?.id == null || follower.inboxId == null) {
      log(`Follow ${follow.id?.href} from an actor without an inbox`);
      return;
    }
    const target = recipientFrom(follower);
    actor.followers.set(target.id, { ...target, followId: follow.id?.href ?? null });
    // Accept embeds the Follow with its original id; sent after this request is answered, to the
    // follower's own inbox, as Mastodon does.
    const accept = new vocab.Accept({
      id: newActivityId(),
      actor: actorUri(actor.username),
      object: new vocab.Follow({ id: follow.id, actor: follow.actorId, object: follow.objectId }),
      to: follower.id,
    });
    remember(accept, actor.username, [target], { preferSharedInbox: false });
    background(
      new Promise((resolve) => setImmediate(resolve)).then(() =>
        deliver(actor.username, accept, [target], { preferSharedInbox: false }),
      ),
    );
  })
  .on(vocab.Accept, (ctx, accept) => {
    handledBy(ctx, 'Accept');
    settleFollow(accept, 'accepted');
  })
  .on(vocab.Reject, (ctx, reject) => {
    handledBy(ctx, 'Reject');
    settleFollow(reject, 'rejected');
  })
  .on(vocab.Undo, (ctx, undo) => {
    handledBy(ctx, 'Undo');
    const undone = undo.objectId?.href;
    for (const actor of actors.values()) {
      for (const [id, follower] of actor.followers) {
        if ((undone != null && follower.followId === undone) || (undone == null && id === undo.actorId?.href)) {
          actor.followers.delete(id);
        }
      }
    }
  })
  .on(vocab.Activity, (ctx, activity) => handledBy(ctx, activity.constructor.name))
  .onError((ctx, error) => {
    log('inbox listener failed:', error);
    if (ctx.data) ctx.data.listenerError = error instanceof Error ? error.message : String(error);
  });

/** An Accept/Reject of one of our Follows: by the Follow's id, else the pending Follow of its actor. */
function settleFollow(activity, state) {
  const followId = activity.objectId?.href;
  const sender = activity.actorId?.href;
  for (const actor of actors.values()) {
    for (const [target, follow] of actor.following) {
      if (followId != null ? follow.followId === followId : target === sender && follow.state === 'pending') {
        follow.state = state;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------------------------

function remember(activity, username, targets, options) {
  activities.set(activity.id.href, { activity, username, targets, options });
}

/**
 * Delivers `activity` as `username` to each distinct inbox of `targets` ({ id, inbox, sharedInbox }),
 * preferring shared inboxes unless `options.preferSharedInbox === false`; `options.inbox` (a URL
 * or a list) replaces the computed inboxes. One Fedify send per inbox, so each gets its own status.
 */
async function deliver(username, activity, targets, options = {}) {
  const inboxes = new Map();
  const add = (inbox, id) => {
    if (!inbox) return;
    if (!inboxes.has(inbox)) inboxes.set(inbox, []);
    if (id && !inboxes.get(inbox).includes(id)) inboxes.get(inbox).push(id);
  };
  if (options.inbox) {
    for (const inbox of [options.inbox].flat()) add(inbox, targets[0]?.id);
  } else {
    for (const target of targets) {
      add((options.preferSharedInbox !== false && target.sharedInbox) || target.inbox, target.id);
    }
  }
  const ctx = context();
  const type = activity.constructor.name;
  return Promise.all(
    [...inboxes].map(async ([inbox, ids]) => {
      const record = { activityId: activity.id.href, type, inbox, actors: ids, ok: false, attempts: [] };
      try {
        await deliveryContext.run(record, () =>
          ctx.sendActivity(
            { identifier: username },
            [{ id: new URL(ids[0] ?? inbox), inboxId: new URL(inbox), endpoints: null }],
            activity,
            { preferSharedInbox: false },
          ),
        );
        record.ok = true;
      } catch (error) {
        record.error = error instanceof Error ? error.message : String(error);
        if (typeof error?.responseBody === 'string') record.responseBody = error.responseBody;
      }
      record.status = record.attempts.at(-1)?.status ?? null;
      record.seq = ++sentSeq;
      sent.push(record);
      return { inbox, ok: record.ok, status: record.status, error: record.error ?? null };
    }),
  );
}

/** Looks up an actor or object by handle or URI, signed as `username`; falls back to http WebFinger. */
async function lookup(username, target) {
  if (typeof target !== 'string' || target === '') throw new HttpError(400, 'a handle or URI is required');
  const ctx = context();
  const documentLoader = username != null ? await ctx.getDocumentLoader({ identifier: username }) : ctx.documentLoader;
  let found = null;
  let failure = null;
  try {
    found = await ctx.lookupObject(target, { documentLoader });
  } catch (error) {
    failure = error;
  }
  const handle = /^@?([^@/\s]+)@([^@/\s]+)$/.exec(target);
  if (found == null && handle) {
    // Fedify asks WebFinger over https only; a loopback server without TLS answers over http.
    try {
      const resource = `acct:${handle[1]}@${handle[2]}`;
      const response = await fetch(
        `http://${handle[2]}/.well-known/webfinger?resource=${encodeURIComponent(resource)}`,
        { headers: { accept: 'application/jrd+json' } },
      );
      if (response.ok) {
        const jrd = await response.json();
        const self = jrd.links?.find(
          (link) => link.rel === 'self' && /application\/(activity|ld)\+json/.test(link.type ?? ''),
        );
        if (self?.href) found = await ctx.lookupObject(self.href, { documentLoader });
      }
    } catch {
      // no http WebFinger there either
    }
  }
  if (found == null) {
    if (failure) throw new HttpError(502, `could not look up ${target}: ${failure.message ?? failure}`);
    throw new HttpError(404, `${target} not found`);
  }
  return found;
}

async function resolveActor(username, target) {
  const found = await lookup(username, target);
  if (!vocab.isActor(found)) throw new HttpError(502, `${target} is not an actor`);
  return recipientFrom(found);
}

async function resolveAuthor(username, objectUri) {
  const found = await lookup(username, objectUri);
  const author = vocab.isActor(found) ? found.id : (found.attributionId ?? found.actorId);
  if (author == null) throw new HttpError(502, `${objectUri} names no author`);
  return resolveActor(username, author.href);
}

const followerTargets = (actor) => [...actor.followers.values()];

function uniqueTargets(targets) {
  const seen = new Map();
  for (const target of targets) if (target?.id && !seen.has(target.id)) seen.set(target.id, target);
  return [...seen.values()];
}

const deliveryOptions = (body, defaults = {}) => ({
  ...defaults,
  ...(body.preferSharedInbox != null ? { preferSharedInbox: body.preferSharedInbox } : {}),
  ...(body.inbox ? { inbox: body.inbox } : {}),
});

async function sendAs(username, activity, targets, options) {
  remember(activity, username, targets, options);
  const deliveries = await deliver(username, activity, targets, options);
  return { activityId: activity.id.href, deliveries };
}

const urls = (list) => (list ?? []).map((uri) => new URL(uri));

const MEDIA_TYPES = new Set(['Document', 'Image', 'Video', 'Audio']);

/**
 * A post's `attachment`, given as AS2 JSON (`{ type: Document|Image|Video|Audio, mediaType?, url,
 * name?, summary?, width?, height? }`, `{ type: Link, href, mediaType?, name? }` or
 * `{ type: PropertyValue, name, value }`), as Fedify objects. Terms Fedify does not model
 * (Mastodon's `blurhash`, `focalPoint`) cannot be sent this way: raw-post sends exact JSON.
 */
function attachmentsOf(list) {
  if (!Array.isArray(list)) throw new HttpError(400, '`attachment` must be an array');
  return list.map((item) => {
    if (MEDIA_TYPES.has(item?.type)) {
      return new vocab[item.type]({
        mediaType: item.mediaType ?? null,
        url: item.url ? new URL(item.url) : null,
        name: item.name ?? null,
        summary: item.summary ?? null,
        width: item.width ?? null,
        height: item.height ?? null,
      });
    }
    if (item?.type === 'Link') {
      return new vocab.Link({ href: new URL(item.href), mediaType: item.mediaType ?? null, name: item.name ?? null });
    }
    if (item?.type === 'PropertyValue') return new vocab.PropertyValue({ name: item.name, value: item.value });
    throw new HttpError(400, '`attachment` items are Document, Image, Video, Audio, Link or PropertyValue');
  });
}

// ---------------------------------------------------------------------------------------------
// Control API
// ---------------------------------------------------------------------------------------------

const control = {
  'POST /_control/webfinger': async (body) => {
    const { username, href } = body;
    if (typeof username !== 'string' || !username) throw new HttpError(400, '`username` is required');
    if (href === undefined) webFingerOverrides.delete(username.toLowerCase());
    else if (href === null || typeof href === 'string') webFingerOverrides.set(username.toLowerCase(), href);
    else throw new HttpError(400, '`href` is a URL, null (answer 404) or absent (answer as usual again)');
    return { username, href: webFingerOverrides.get(username.toLowerCase()) };
  },

  'POST /_control/actors': async (body) => {
    const { username } = body;
    if (typeof username !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(username) || username === INSTANCE) {
      throw new HttpError(400, '`username` must match [A-Za-z0-9_.-]{1,64}');
    }
    if (actors.has(username) && !actors.get(username).deleted) throw new HttpError(409, `${username} exists`);
    const actor = {
      username,
      name: body.name ?? username,
      summary: body.summary ?? null,
      alsoKnownAs: [body.alsoKnownAs ?? []].flat(),
      keyPairs: await generateKeyPairs(),
      followers: new Map(),
      following: new Map(),
      outbox: [],
      movedTo: null,
      deleted: false,
      published: now(),
      // What the actor document claims as preferredUsername (default: the username), to test refusals.
      preferredUsername: typeof body.preferredUsername === 'string' ? body.preferredUsername : username,
    };
    actors.set(username, actor);
    return describe(actor);
  },

  'GET /_control/actor': async (_body, query) => {
    const actor = getActor(query.get('username'), { allowDeleted: true });
    return {
      ...describe(actor),
      name: actor.name,
      summary: actor.summary,
      alsoKnownAs: actor.alsoKnownAs,
      movedTo: actor.movedTo,
      deleted: actor.deleted,
      followers: [...actor.followers.values()],
      following: [...actor.following.entries()].map(([id, follow]) => ({ id, ...follow })),
    };
  },

  'POST /_control/follow': async (body) => {
    const actor = getActor(body.actor);
    const target = await resolveActor(actor.username, body.target);
    const follow = new vocab.Follow({
      id: newActivityId(),
      actor: actorUri(actor.username),
      object: new URL(target.id),
      to: new URL(target.id),
    });
    actor.following.set(target.id, { followId: follow.id.href, state: 'pending', target });
    const result = await sendAs(actor.username, follow, [target], deliveryOptions(body, { preferSharedInbox: false }));
    return { followId: follow.id.href, target, ...result };
  },

  'POST /_control/unfollow': async (body) => {
    const actor = getActor(body.actor);
    let targetId = typeof body.target === 'string' && actor.following.has(body.target) ? body.target : null;
    targetId ??= (await resolveActor(actor.username, body.target)).id;
    const following = actor.following.get(targetId);
    if (!following) throw new HttpError(404, `${actor.username} does not follow ${targetId}`);
    const original = activities.get(following.followId);
    const undo = new vocab.Undo({
      id: newActivityId(),
      actor: actorUri(actor.username),
      object: original.activity,
      to: new URL(targetId),
    });
    actor.following.delete(targetId);
    const result = await sendAs(actor.username, undo, [following.target], {
      ...original.options,
      ...deliveryOptions(body),
    });
    return { followId: following.followId, ...result };
  },

  'POST /_control/create': async (body) => {
    const actor = getActor(body.actor);
    if (typeof body.content !== 'string') throw new HttpError(400, '`content` (HTML) is required');
    const mentions = await Promise.all((body.mention ?? []).map((m) => resolveActor(actor.username, m)));
    let replyAuthor = null;
    if (body.inReplyTo) {
      replyAuthor = await resolveAuthor(actor.username, body.inReplyTo).catch((error) => {
        log(`reply target ${body.inReplyTo}: ${error.message}`);
        return null;
      });
    }
    const visibility = body.to ?? 'public';
    const followers = followersUri(actor.username);
    const addressed = [...mentions, replyAuthor].filter(Boolean).map((target) => new URL(target.id));
    const extraCc = urls(body.cc);
    let tos;
    let ccs;
    switch (visibility) {
      case 'public':
        tos = [vocab.PUBLIC_COLLECTION];
        ccs = [followers, ...addressed];
        break;
      case 'unlisted':
        tos = [followers];
        ccs = [vocab.PUBLIC_COLLECTION, ...addressed];
        break;
      case 'followers':
        tos = [followers];
        ccs = addressed;
        break;
      case 'direct':
        tos = addressed;
        ccs = [];
        break;
      default:
        throw new HttpError(400, '`to` must be public, unlisted, followers or direct');
    }
    ccs = [...ccs, ...extraCc];
    const tags = mentions.map(
      (m) => new vocab.Mention({ href: new URL(m.id), name: `@${m.preferredUsername}@${new URL(m.id).host}` }),
    );
    for (const tag of body.hashtags ?? []) {
      const name = tag.startsWith('#') ? tag : `#${tag}`;
      tags.push(new vocab.Hashtag({ name, href: new URL(`/tags/${encodeURIComponent(name.slice(1))}`, webOrigin) }));
    }
    const type = body.type ?? 'Note';
    if (type !== 'Note' && type !== 'Article') throw new HttpError(400, '`type` must be Note or Article');
    const objectId = new URL(`/notes/${randomUUID()}`, webOrigin);
    const published = now();
    const object = new (type === 'Article' ? vocab.Article : vocab.Note)({
      id: objectId,
      attribution: actorUri(actor.username),
      content: body.content,
      name: body.name ?? null,
      summary: body.summary ?? null,
      sensitive: body.sensitive ?? false,
      replyTarget: body.inReplyTo ? new URL(body.inReplyTo) : null,
      published,
      url: objectId,
      tos,
      ccs,
      tags,
      attachments: body.attachment == null ? [] : attachmentsOf(body.attachment),
    });
    const create = new vocab.Create({
      id: newActivityId(),
      actor: actorUri(actor.username),
      object,
      published,
      tos,
      ccs,
    });
    const targets = uniqueTargets([
      ...(visibility === 'direct' ? [] : followerTargets(actor)),
      ...mentions,
      replyAuthor,
    ]);
    const options = deliveryOptions(body);
    objects.set(objectId.href, { object, username: actor.username, targets, tos, ccs, options, deletedAt: null });
    actor.outbox.push(create);
    return { objectId: objectId.href, ...(await sendAs(actor.username, create, targets, options)) };
  },

  'POST /_control/update': async (body) => {
    const actor = getActor(body.actor);
    const stored = objects.get(body.object);
    if (!stored || stored.username !== actor.username)
      throw new HttpError(404, `${body.object} is not ${actor.username}'s`);
    if (stored.deletedAt) throw new HttpError(410, `${body.object} is deleted`);
    stored.object = stored.object.clone({
      ...(body.content != null ? { content: body.content } : {}),
      ...(body.name != null ? { name: body.name } : {}),
      ...(body.summary != null ? { summary: body.summary } : {}),
      ...(body.attachment != null ? { attachments: attachmentsOf(body.attachment) } : {}),
      updated: now(),
    });
    const update = new vocab.Update({
      id: newActivityId(),
      actor: actorUri(actor.username),
      object: stored.object,
      tos: stored.tos,
      ccs: stored.ccs,
    });
    const options = { ...stored.options, ...deliveryOptions(body) };
    return { objectId: body.object, ...(await sendAs(actor.username, update, stored.targets, options)) };
  },

  'POST /_control/delete': async (body) => {
    const actor = getActor(body.actor);
    const stored = objects.get(body.object);
    if (!stored || stored.username !== actor.username)
      throw new HttpError(404, `${body.object} is not ${actor.username}'s`);
    stored.deletedAt = now();
    const del = new vocab.Delete({
      id: newActivityId(),
      actor: actorUri(actor.username),
      object: new vocab.Tombstone({ id: new URL(body.object), deleted: stored.deletedAt }),
      tos: stored.tos,
      ccs: stored.ccs,
    });
    const options = { ...stored.options, ...deliveryOptions(body) };
    return { objectId: body.object, ...(await sendAs(actor.username, del, stored.targets, options)) };
  },

  'POST /_control/like': async (body) => {
    const actor = getActor(body.actor);
    const author = await resolveTargetOrAuthor(actor, body);
    const like = new vocab.Like({
      id: newActivityId(),
      actor: actorUri(actor.username),
      object: new URL(body.object),
      to: new URL(author.id),
    });
    return sendAs(actor.username, like, [author], deliveryOptions(body));
  },

  'POST /_control/announce': async (body) => {
    const actor = getActor(body.actor);
    const author = await resolveTargetOrAuthor(actor, body);
    const announce = new vocab.Announce({
      id: newActivityId(),
      actor: actorUri(actor.username),
      object: new URL(body.object),
      published: now(),
      tos: [vocab.PUBLIC_COLLECTION],
      ccs: [followersUri(actor.username), new URL(author.id)],
    });
    actor.outbox.push(announce);
    return sendAs(actor.username, announce, uniqueTargets([author, ...followerTargets(actor)]), deliveryOptions(body));
  },

  'POST /_control/undo': async (body) => {
    const actor = getActor(body.actor);
    const original = activities.get(body.activityId);
    if (!original || original.username !== actor.username) {
      throw new HttpError(404, `${body.activityId} is no activity ${actor.username} sent`);
    }
    const undo = new vocab.Undo({
      id: newActivityId(),
      actor: actorUri(actor.username),
      object: original.activity,
      tos: original.activity.toIds,
      ccs: original.activity.ccIds,
    });
    if (original.activity instanceof vocab.Follow) {
      for (const [target, follow] of actor.following)
        if (follow.followId === body.activityId) actor.following.delete(target);
    }
    const options = { ...original.options, ...deliveryOptions(body) };
    return { objectId: body.activityId, ...(await sendAs(actor.username, undo, original.targets, options)) };
  },

  'POST /_control/block': async (body) => {
    const actor = getActor(body.actor);
    const target = await resolveActor(actor.username, body.target);
    const block = new vocab.Block({
      id: newActivityId(),
      actor: actorUri(actor.username),
      object: new URL(target.id),
      to: new URL(target.id),
    });
    return sendAs(actor.username, block, [target], deliveryOptions(body));
  },

  'POST /_control/flag': async (body) => {
    const actor = getActor(body.actor);
    const target = await resolveActor(actor.username, body.target);
    const flag = new vocab.Flag({
      id: newActivityId(),
      actor: actorUri(actor.username),
      objects: [new URL(target.id), ...urls(body.objects)],
      content: body.content ?? null,
      to: new URL(target.id),
    });
    return sendAs(actor.username, flag, [target], deliveryOptions(body));
  },

  'POST /_control/move': async (body) => {
    const actor = getActor(body.actor);
    if (typeof body.target !== 'string') throw new HttpError(400, '`target` (the new actor URI) is required');
    actor.movedTo = body.target;
    const move = new vocab.Move({
      id: newActivityId(),
      actor: actorUri(actor.username),
      object: actorUri(actor.username),
      target: new URL(body.target),
      to: followersUri(actor.username),
    });
    return sendAs(actor.username, move, followerTargets(actor), deliveryOptions(body));
  },

  'POST /_control/update-actor': async (body) => {
    const actor = getActor(body.actor);
    if (body.name !== undefined) actor.name = body.name;
    if (body.summary !== undefined) actor.summary = body.summary;
    if (body.alsoKnownAs !== undefined) actor.alsoKnownAs = [body.alsoKnownAs ?? []].flat();
    const update = new vocab.Update({
      id: newActivityId(),
      actor: actorUri(actor.username),
      object: await buildActor(context(), actor.username),
      to: vocab.PUBLIC_COLLECTION,
      cc: followersUri(actor.username),
    });
    return sendAs(actor.username, update, followerTargets(actor), deliveryOptions(body));
  },

  'POST /_control/delete-actor': async (body) => {
    const actor = getActor(body.actor);
    const del = new vocab.Delete({
      id: newActivityId(),
      actor: actorUri(actor.username),
      object: actorUri(actor.username),
      to: vocab.PUBLIC_COLLECTION,
    });
    const targets = uniqueTargets([
      ...followerTargets(actor),
      ...[...actor.following.values()].map((follow) => follow.target),
    ]);
    // Delivered while the key still resolves; the actor answers 410 afterwards.
    const result = await sendAs(actor.username, del, targets, deliveryOptions(body));
    actor.deleted = true;
    return result;
  },

  'GET /_control/received': async (_body, query) => ({ entries: received.filter(matcher(query)) }),

  'POST /_control/delay': async (body) => {
    for (const name of ['inboxMs', 'actorMs']) {
      if (body[name] === undefined) continue;
      const ms = Number(body[name]);
      if (!Number.isInteger(ms) || ms < 0 || ms > 60_000)
        throw new HttpError(400, `${name}: an integer from 0 to 60000`);
      delays[name] = ms;
    }
    return { ...delays, actorGets };
  },

  'GET /_control/wait': async (_body, query) => {
    const count = Number(query.get('count') ?? 1);
    const timeoutMs = Number(query.get('timeoutMs') ?? 10_000);
    const matches = matcher(query);
    const found = () => received.filter(matches);
    if (found().length >= count) return { entries: found() };
    return new Promise((resolve, reject) => {
      const check = () => {
        if (found().length < count) return;
        done();
        resolve({ entries: found() });
      };
      const timer = setTimeout(() => {
        done();
        const error = new HttpError(408, `timed out after ${timeoutMs} ms waiting for ${count} × ${query}`);
        error.body = { entries: found(), all: received.map(summarize) };
        reject(error);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
    });
  },

  'GET /_control/sent': async (_body, query) => {
    const after = Number(query.get('after') ?? 0);
    const type = query.get('type');
    return { deliveries: sent.filter((d) => d.seq > after && (!type || d.type === type)) };
  },

  'GET /_control/idle': async () => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
    return { idle: true };
  },

  'POST /_control/trust': async (body) => {
    const pem = readFileSync(body.caCertPath, 'utf8');
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), pem]);
    return { trusted: body.caCertPath };
  },

  'POST /_control/forge-key': async (body) => {
    getActor(body.actor);
    if (typeof body.owner !== 'string') throw new HttpError(400, '`owner` (an actor URI) is required');
    const keyId = new URL(`/forged-keys/${randomUUID()}`, webOrigin).href;
    forgedKeys.set(keyId, { username: body.actor, owner: body.owner });
    return { keyId };
  },
  'POST /_control/serve': async (body) => {
    if (typeof body.path !== 'string' || !body.path.startsWith('/'))
      throw new HttpError(400, '`path` (/…) is required');
    if (typeof body.body !== 'string') throw new HttpError(400, '`body` (a string) is required');
    served.set(body.path, {
      status: body.status ?? 200,
      contentType: body.contentType ?? 'application/activity+json',
      body: body.body,
      headers: body.headers ?? {},
      hits: [],
    });
    return { url: new URL(body.path, webOrigin).href };
  },
  'GET /_control/served': async (_body, query) => ({ hits: served.get(query.get('path') ?? '')?.hits ?? [] }),
  'POST /_control/raw-post': async (body) => rawPost(body),

  'GET /_control/fetch': async (_body, query) => signedFetch(query),
};

async function resolveTargetOrAuthor(actor, body) {
  if (typeof body.object !== 'string') throw new HttpError(400, '`object` (a URI) is required');
  if (body.target) return resolveActor(actor.username, body.target);
  if (body.inbox) {
    // The inbox is given: the author is only needed for addressing; fall back to the object's host.
    return resolveAuthor(actor.username, body.object).catch(() => ({
      id: body.object,
      inbox: null,
      sharedInbox: null,
    }));
  }
  return resolveAuthor(actor.username, body.object);
}

function summarize(entry) {
  return {
    seq: entry.seq,
    type: entry.type,
    path: entry.path,
    status: entry.status,
    verified: entry.verification.verified,
  };
}

function matcher(query) {
  const after = Number(query.get('after') ?? 0);
  const type = query.get('type');
  const objectType = query.get('objectType');
  const actor = query.get('actor');
  const path = query.get('path');
  const verified = query.get('verified');
  const accepted = query.get('accepted');
  return (entry) =>
    entry.seq > after &&
    (!type || entry.type === type) &&
    (!objectType || entry.objectType === objectType) &&
    (!actor || entry.actor === actor) &&
    (!path || entry.path === path) &&
    (verified == null || String(entry.verification.verified) === verified) &&
    (accepted == null || String(entry.status >= 200 && entry.status < 300) === accepted);
}

// ---------------------------------------------------------------------------------------------
// Raw requests (own signer) and signed fetches (Fedify's signer)
// ---------------------------------------------------------------------------------------------

/** Sends a request with exactly these headers and bytes (node's http/https, no fetch normalisation). */
function rawRequest({ method, url, headers, body }) {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(target, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`timed out: ${method} ${url}`)));
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

function tamper(body) {
  try {
    const json = JSON.parse(body.toString('utf8'));
    if (json && typeof json === 'object' && !Array.isArray(json)) {
      return Buffer.from(JSON.stringify({ ...json, tampered: true }));
    }
  } catch {
    // not JSON: change a byte all the same
  }
  return Buffer.concat([body, Buffer.from(' ')]);
}

async function rawPost(input) {
  if (typeof input.url !== 'string') throw new HttpError(400, '`url` is required');
  const method = (input.method ?? 'POST').toUpperCase();
  let body = input.body == null ? null : Buffer.from(String(input.body), 'utf8');
  if (input.ldSign && body != null) {
    // A Linked Data Signature (RsaSignature2017) on the body, as Mastodon forwards activities with.
    const signer = getActor(input.ldSign.actor, { allowDeleted: true });
    const keyId = new URL(input.ldSign.keyId ?? describe(signer).keyId);
    const signed = await signJsonLd(JSON.parse(body.toString('utf8')), signer.keyPairs[0].privateKey, keyId, {
      contextLoader: context().contextLoader,
    });
    body = Buffer.from(JSON.stringify(signed), 'utf8');
  }
  let headers = { 'content-type': 'application/activity+json', accept: 'application/activity+json' };
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (value == null) delete headers[name.toLowerCase()];
    else headers[name.toLowerCase()] = String(value);
  }
  if (body == null) delete headers['content-type'];
  const sign = input.sign;
  if (sign) {
    const signer = getActor(sign.keyOf ?? sign.actor, { allowDeleted: true });
    const ed25519 = sign.algorithm === 'ed25519';
    const pair = signer.keyPairs[ed25519 ? 1 : 0];
    const keyId = sign.keyId ?? (ed25519 ? describe(signer).ed25519KeyId : describe(signer).keyId);
    const options = {
      method,
      url: input.url,
      headers,
      body,
      privateKey: KeyObject.from(pair.privateKey),
      keyId,
      omit: sign.omit ?? [],
      date: sign.date,
      expires: sign.expires,
    };
    if ((sign.scheme ?? 'draft-cavage') === 'rfc9421') {
      headers = signRfc9421({ ...options, components: sign.headers });
    } else {
      if (ed25519) throw new HttpError(400, 'draft-cavage signing here is rsa-sha256 only');
      headers = signDraftCavage({ ...options, signedHeaders: sign.headers });
    }
    if (sign.tamperBody && body != null) body = tamper(body);
  }
  if (body != null) headers['content-length'] = String(body.length);
  const response = await rawRequest({ method, url: input.url, headers, body });
  return {
    status: response.status,
    headers: response.headers,
    body: response.body.toString('utf8'),
    sent: { method, headers, body: body?.toString('utf8') ?? null },
  };
}

async function signedFetch(query) {
  const url = query.get('url');
  if (!url) throw new HttpError(400, '`url` is required');
  const accept = query.get('accept') ?? 'application/activity+json';
  let request = new Request(url, { headers: { accept } });
  const signed = query.get('signed') !== 'false';
  if (signed) {
    const username = query.get('actor') ?? INSTANCE;
    const signer = username === INSTANCE ? instance : getActor(username);
    const keyId = new URL(`${actorUri(username).href}#main-key`);
    const spec = query.get('scheme') === 'rfc9421' ? 'rfc9421' : 'draft-cavage-http-signatures-12';
    request = await signRequest(request, signer.keyPairs[0].privateKey, keyId, { spec });
  }
  const response = await fetch(request, { redirect: 'manual' });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    headers: Object.fromEntries(response.headers),
    json,
    body: text,
  };
}

// ---------------------------------------------------------------------------------------------
// The independent verifier's key loading
// ---------------------------------------------------------------------------------------------

const keyCache = new Map();

async function loadKey(keyId, { refresh }) {
  if (!refresh && keyCache.has(keyId)) return keyCache.get(keyId);
  const url = new URL(keyId);
  url.hash = '';
  const headers = { accept: 'application/activity+json, application/ld+json; q=0.9' };
  let response = await rawRequest({ method: 'GET', url: url.href, headers });
  if (response.status === 401 || response.status === 403) {
    // Authorized fetch: ask again, signed by the peer's instance actor.
    const signedHeaders = signDraftCavage({
      method: 'GET',
      url: url.href,
      headers,
      body: null,
      privateKey: KeyObject.from(instance.keyPairs[0].privateKey),
      keyId: `${actorUri(INSTANCE).href}#main-key`,
    });
    response = await rawRequest({ method: 'GET', url: url.href, headers: signedHeaders });
  }
  if (response.status !== 200) throw new Error(`key ${keyId}: GET ${url.href} answered ${response.status}`);
  const loaded = extractKey(JSON.parse(response.body.toString('utf8')), keyId);
  keyCache.set(keyId, loaded);
  return loaded;
}

const verifier = createVerifier({ loadKey });

// ---------------------------------------------------------------------------------------------
// HTTP handling
// ---------------------------------------------------------------------------------------------

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res, status, value, contentType = 'application/json') {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function firstType(value) {
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : null;
  return typeof value === 'string' ? value : null;
}

const idOf = (value) =>
  typeof value === 'string'
    ? value
    : value && typeof value === 'object' && typeof value.id === 'string'
      ? value.id
      : null;

async function serveActivity(res, id) {
  const stored = activities.get(id);
  if (!stored) return false;
  const json = await stored.activity.toJsonLd({ format: 'compact', contextLoader: context().contextLoader });
  sendJson(res, 200, json, 'application/activity+json');
  return true;
}

async function handle(req, res, scheme) {
  let entry = null;
  try {
    const url = new URL(
      req.url,
      `${scheme}://${req.headers.host ?? (scheme === 'http' ? `localhost:${httpPort}` : handleHost)}`,
    );
    const body = await readBody(req);

    if (url.pathname.startsWith('/_control/')) {
      const route = control[`${req.method} ${url.pathname}`];
      if (!route) return sendJson(res, 404, { error: `no control route ${req.method} ${url.pathname}` });
      let input = {};
      if (body.length > 0) {
        try {
          input = JSON.parse(body.toString('utf8'));
        } catch {
          return sendJson(res, 400, { error: 'control requests take JSON' });
        }
      }
      return sendJson(res, 200, await route(input, url.searchParams));
    }

    if (req.method === 'GET' && url.pathname === '/.well-known/webfinger') {
      const acct = /^acct:([^@]+)@/i.exec(url.searchParams.get('resource') ?? '');
      const override = acct ? webFingerOverrides.get(acct[1].toLowerCase()) : undefined;
      if (override === null) return sendJson(res, 404, { error: 'no such account' });
      if (override !== undefined) {
        const jrd = {
          subject: `acct:${acct[1]}@${handleHost}`,
          links: [{ rel: 'self', type: 'application/activity+json', href: override }],
        };
        return sendJson(res, 200, jrd, 'application/jrd+json');
      }
    }

    const fixed = req.method === 'GET' ? served.get(url.pathname) : undefined;
    if (fixed) {
      const signature = req.headers.signature;
      const keyId = typeof signature === 'string' ? (/keyId="([^"]*)"/.exec(signature)?.[1] ?? null) : null;
      fixed.hits.push({ accept: req.headers.accept ?? null, keyId });
      res.writeHead(fixed.status, { ...fixed.headers, 'content-type': fixed.contentType });
      return void res.end(fixed.body);
    }

    if (req.method === 'GET' && /^\/users\/[^/]+$/.test(url.pathname)) {
      actorGets += 1;
      // A slow actor fetch (crash tests): the work that fetches it is held at that point.
      if (delays.actorMs > 0) await new Promise((resolve) => setTimeout(resolve, delays.actorMs));
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const canonical = new URL(url.pathname, webOrigin).href;
      // Deleted notes answer 410 with a Tombstone; deleted actors too.
      const note = objects.get(canonical);
      if (note?.deletedAt) {
        const tombstone = {
          '@context': AS_CONTEXT,
          id: canonical,
          type: 'Tombstone',
          deleted: note.deletedAt.toString(),
        };
        return sendJson(res, 410, tombstone, 'application/activity+json');
      }
      const actorMatch = /^\/users\/([^/]+)$/.exec(url.pathname);
      if (actorMatch && actors.get(decodeURIComponent(actorMatch[1]))?.deleted) {
        return sendJson(
          res,
          410,
          { '@context': AS_CONTEXT, id: canonical, type: 'Tombstone' },
          'application/activity+json',
        );
      }
      if (url.pathname.startsWith('/activities/') && (await serveActivity(res, canonical))) return undefined;
      const forged = forgedKeys.get(canonical);
      if (forged) {
        const publicKey = KeyObject.from(getActor(forged.username).keyPairs[0].publicKey);
        const document = {
          '@context': 'https://w3id.org/security/v1',
          id: canonical,
          type: 'CryptographicKey',
          owner: forged.owner,
          publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }),
        };
        return sendJson(res, 200, document, 'application/activity+json');
      }
    }

    const isInbox =
      req.method === 'POST' && (url.pathname === '/inbox' || /^\/users\/[^/]+\/inbox$/.test(url.pathname));
    if (isInbox) {
      let activity = null;
      try {
        activity = JSON.parse(body.toString('utf8'));
      } catch {
        // recorded as unparsable
      }
      entry = {
        seq: 0,
        receivedAt: new Date().toISOString(),
        method: req.method,
        url: url.href,
        path: url.pathname,
        headers: { ...req.headers },
        body: body.toString('utf8'),
        activity,
        type: firstType(activity?.type),
        id: typeof activity?.id === 'string' ? activity.id : null,
        actor: idOf(activity?.actor),
        objectType: firstType(activity?.object?.type),
        objectId: idOf(activity?.object),
        verification: await verifier.verify({ method: req.method, url: url.href, headers: req.headers, body }),
        status: null,
        responseBody: null,
        listener: null,
        listenerError: null,
        recipient: null,
      };
      // The key's owner must be the activity's actor (Fedify checks it too; this is our own check).
      entry.verification.ownerMatchesActor =
        entry.verification.keyOwner == null ? null : entry.verification.keyOwner === entry.actor;
    }

    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (!HOP_BY_HOP.has(req.rawHeaders[i].toLowerCase())) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(url, { method: req.method, headers, body: hasBody ? body : undefined });
    const response = await federation.fetch(request, {
      contextData: entry,
      onNotFound: () => new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } }),
      onNotAcceptable: () =>
        new Response(`<!doctype html><title>${url.pathname}</title><p>Guildhall test peer</p>`, {
          status: 200,
          headers: { 'content-type': 'text/html; charset=utf-8', vary: 'Accept' },
        }),
    });
    const responseBody = Buffer.from(await response.arrayBuffer());
    // A slow receiver (crash tests): the sender's connections stay busy, so its POSTs arrive in waves.
    if (entry && delays.inboxMs > 0) await new Promise((resolve) => setTimeout(resolve, delays.inboxMs));
    if (entry) {
      entry.status = response.status;
      entry.responseBody = responseBody.toString('utf8').slice(0, 2000);
    }
    const outHeaders = {};
    response.headers.forEach((value, name) => {
      outHeaders[name] = value;
    });
    outHeaders['content-length'] = String(responseBody.length);
    res.writeHead(response.status, outHeaders);
    res.end(req.method === 'HEAD' ? undefined : responseBody);
  } catch (error) {
    const status = error instanceof HttpError ? error.status : 500;
    if (status === 500) log(`${req.method} ${req.url} failed:`, error);
    if (entry && entry.status == null) entry.status = status;
    if (!res.headersSent) sendJson(res, status, { error: error.message ?? String(error), ...(error.body ?? {}) });
    else res.end();
  } finally {
    if (entry) {
      entry.seq = ++receivedSeq;
      received.push(entry);
      for (const check of [...waiters]) check();
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

const instance = { username: INSTANCE, keyPairs: await generateKeyPairs(), followers: new Map(), outbox: [] };
actors.set(INSTANCE, { ...instance, deleted: false, following: new Map(), alsoKnownAs: [], isInstance: true });

let stopping = false;
function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  httpServer.closeAllConnections?.();
  httpsServer.closeAllConnections?.();
  httpServer.close();
  httpsServer.close();
  rmSync(tempDir, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(0));
if (env.PEER_EXIT_ON_STDIN_END === '1') {
  process.stdin.on('end', () => shutdown(0));
  process.stdin.on('error', () => shutdown(0));
  process.stdin.resume();
}

process.stdout.write(
  `${JSON.stringify({ httpOrigin: webOrigin, httpsOrigin, handleHost, caCertPath: certPath, pid: process.pid })}\n`,
);
