import type { IncomingMessage } from 'node:http';
import { respondWithObjectIfAcceptable } from '@fedify/fedify';
import { Tombstone } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { ConfigService, Metrics } from '@guildhall/core';
import { describeKeyPairs, INSTANCE_ACTOR_PATH, toInstanceActor } from '../actors/actor.mapper';
import { FederationService } from '../federation.service';
import { expandPublicAddressing } from '../objects/public-addressing';
import { toTombstone } from '../objects/post-object.mapper';
import { PostObjectRepository } from '../objects/post-object.repository';
import { ActorKeyService, INSTANCE_ACTOR_KEY_ID } from '../keys/actor-key.service';
import { HostHealth } from '../delivery/host-health.service';
import { AccountSuspensionService } from '../moderation/account-suspension.service';
import { DomainBlockCache } from '../moderation/domain-block.cache';
import { InboxBacklog } from './inbox-backlog';
import { InboxFastPath } from './inbox-fast-path';
import { signatureWindowRefusal } from './signature-window';
import { actorHost, checkInboxRequest, InboxRefusal, InboxRefusalCode, keyHost, readBody } from './inbox-request';
import { InstanceStatsRepository } from '../well-known/instance-stats.repository';
import { toWebRequest } from './web-request';
import { hostMeta, isNodeInfoVersion, nodeInfo, nodeInfoLinks } from '../well-known/well-known.responses';

/** Paths this handler may answer; everything else goes straight to Nest, its body untouched. */
const FEDERATION_PATH =
  /^\/(?:\.well-known\/(?:webfinger|host-meta|nodeinfo)|nodeinfo\/[\d.]+|users\/[^/]+(?:\/[a-z]+)?|posts\/[^/]+(?:\/(?:activity|replies))?|follows\/[^/]+|actor|inbox)$/;

/** Public whoever asks, even signed by a blocked domain: discovery and the instance actor. */
const ALWAYS_PUBLIC = /^\/(?:\.well-known\/|nodeinfo\/|actor$)/;

/** `/posts/<uuid>`: a local post's id (FederationService serves the living ones). */
const POST_ID_PATH = /^\/posts\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** `/users/<username>`: a local actor's id (suspended ones answer 410). */
const ACTOR_ID_PATH = /^\/users\/([a-z0-9_]{1,30})$/;

/** `acct:user@host[:port]` or an http(s) URL; anything else is a malformed WebFinger resource. */
const WEBFINGER_RESOURCE = /^(?:acct:[^@\s/]+@[^@\s/]+|https?:\/\/\S+)$/i;

/** Served ActivityPub documents get the full Public IRI in their addressing (public-addressing.ts). */
async function fullPublicIri(response: Response): Promise<Response> {
  if (!response.ok || !response.headers.get('content-type')?.startsWith('application/activity+json')) return response;
  const doc = (await response.json()) as Record<string, unknown>;
  expandPublicAddressing(doc);
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify(doc), { status: response.status, headers });
}

/** The shared inbox and the actors' inboxes: the only paths that take a POST. */
const INBOX_PATH = /^\/(?:inbox|users\/[^/]+\/inbox)$/;
const PERSONAL_INBOX_PATH = /^\/users\/([^/]+)\/inbox$/;

/** Why Fedify refused an inbox POST the door let through, from its status. */
function fedifyRefusal(status: number): InboxRefusalCode {
  if (status === 401) return InboxRefusalCode.SignatureInvalid;
  if (status === 404) return InboxRefusalCode.UnknownInbox;
  return InboxRefusalCode.Other;
}

/**
 * An answer written as it is: no Web `Response` (undici's headers, a body stream) to build and then
 * read back with `arrayBuffer()`. The inbox's 202, the answer to almost every POST, is one (ADR 0057).
 */
export interface PlainAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** The answer to an activity accepted for processing (Fedify's words for the same). */
const ACCEPTED: PlainAnswer = Object.freeze({
  status: 202,
  headers: Object.freeze({ 'Content-Type': 'text/plain; charset=utf-8' }),
  body: Buffer.from('Activity is enqueued.'),
});

/**
 * Turns a Node request into a Web `Request` for Fedify (and the few well-known documents Fedify
 * does not serve), before Fastify parses any body. Resolves to null when Nest should answer:
 * Fedify's onNotFound/onNotAcceptable (e.g. a browser asking for /users/alice) fall through.
 */
@Injectable()
export class FederationHttpHandler {
  private readonly origin: string;
  private readonly maxBodyBytes: number;
  private readonly instance: { name: string; description: string };

  constructor(
    config: ConfigService,
    private readonly federation: FederationService,
    private readonly keys: ActorKeyService,
    private readonly stats: InstanceStatsRepository,
    private readonly postObjects: PostObjectRepository,
    private readonly blocks: DomainBlockCache,
    private readonly health: HostHealth,
    private readonly suspensions: AccountSuspensionService,
    private readonly fastPath: InboxFastPath,
    private readonly backlog: InboxBacklog,
    private readonly metrics: Metrics,
  ) {
    this.origin = config.values.publicOrigin;
    this.maxBodyBytes = config.values.federation.maxBodyBytes;
    this.instance = config.values.instance;
  }

  async handle(raw: IncomingMessage): Promise<Response | PlainAnswer | null> {
    // Ids derive from PUBLIC_ORIGIN, never from Host or X-Forwarded-*: one canonical form.
    const url = new URL(raw.url ?? '/', this.origin);
    if (raw.method === 'POST') return INBOX_PATH.test(url.pathname) ? this.inboxPost(raw, url) : null;
    // Other methods go to Nest untouched (a stream read here would reach Nest already consumed).
    if (raw.method !== 'GET' && raw.method !== 'HEAD') return null;
    if (!FEDERATION_PATH.test(url.pathname)) return null;
    // A GET signed by a domain we block is refused outright (the signature is not even verified).
    const signer = ALWAYS_PUBLIC.test(url.pathname) ? null : keyHost(raw.headers);
    if (signer && this.blocks.isBlocked(signer)) {
      return new InboxRefusal(
        403,
        'This server does not serve your domain',
        InboxRefusalCode.BlockedDomain,
      ).toResponse();
    }
    // A signature outside its time window authenticates no one: the GET is answered as unsigned
    // (public documents still are; authorized fetch refuses), as Mastodon does.
    if (signer && signatureWindowRefusal(raw.headers) !== null) {
      delete raw.headers.signature;
      delete raw.headers['signature-input'];
    }

    switch (url.pathname) {
      case '/.well-known/host-meta':
        return hostMeta(this.origin);
      case '/.well-known/nodeinfo':
        return nodeInfoLinks(this.origin);
      case INSTANCE_ACTOR_PATH:
        return this.instanceActor(toWebRequest(raw, url));
      case '/.well-known/webfinger': {
        const resource = url.searchParams.get('resource');
        if (resource === null || !WEBFINGER_RESOURCE.test(resource)) {
          return new Response('Malformed or missing resource parameter.', { status: 400 });
        }
        break;
      }
    }
    const version = /^\/nodeinfo\/([\d.]+)$/.exec(url.pathname)?.[1];
    if (version !== undefined)
      return isNodeInfoVersion(version) ? nodeInfo(version, await this.stats.counts(), this.instance) : null;

    const actorName = ACTOR_ID_PATH.exec(url.pathname)?.[1];
    if (actorName !== undefined) {
      const gone = await this.suspendedActor(toWebRequest(raw, url), actorName);
      if (gone) return gone;
    }

    const postId = POST_ID_PATH.exec(url.pathname)?.[1];
    if (postId !== undefined) {
      const gone = await this.deletedPost(toWebRequest(raw, url), postId.toLowerCase());
      if (gone) return gone;
    }

    let fallThrough = false;
    const response = await this.federation.federation.fetch(toWebRequest(raw, url), {
      contextData: undefined,
      onNotFound: () => {
        fallThrough = true;
        return new Response(null, { status: 404 });
      },
      onNotAcceptable: () => {
        fallThrough = true;
        return new Response(null, { status: 406 });
      },
    });
    if (fallThrough) return null;
    return raw.method === 'GET' ? fullPublicIri(response) : response;
  }

  /**
   * An inbox POST: refused with 503 while the workers are behind (inbox-backlog.ts), and at the door when malformed (FEDERATION.md's statuses, with a reason);
   * accepted by the fast path when signed by a key already known (ADR 0012); else handed to
   * Fedify with the raw bytes it verifies the signature and digest against. Fedify answers 401
   * for a bad signature or a key not owned by the actor (key-ownership.ts), and 202 once enqueued.
   */
  private async inboxPost(raw: IncomingMessage, url: URL): Promise<Response | PlainAnswer> {
    const busy = this.backlog.refusal();
    if (busy) {
      raw.resume();
      return this.refused(busy);
    }
    const body = await readBody(raw, this.maxBodyBytes);
    if (body instanceof InboxRefusal) return this.refused(body);
    const checked = checkInboxRequest(raw.headers, body);
    if (checked instanceof InboxRefusal) return this.refused(checked);
    const host = actorHost(checked.activity);
    const signer = keyHost(raw.headers);
    if ((host && this.blocks.isBlocked(host)) || (signer && this.blocks.isBlocked(signer))) {
      return this.refused(
        new InboxRefusal(
          403,
          'This server does not accept activities from your domain',
          InboxRefusalCode.BlockedDomain,
        ),
      );
    }
    const recipient = PERSONAL_INBOX_PATH.exec(url.pathname)?.[1] ?? null;
    if (await this.fastPath.accept(raw.headers, `${url.pathname}${url.search}`, checked.activity, recipient)) {
      if (host) this.health.alive(host);
      this.metrics.countInboxActivity('accepted', 'fast_path');
      return ACCEPTED;
    }
    const response = await this.federation.federation.fetch(toWebRequest(raw, url, body), {
      contextData: undefined,
      onNotFound: () => new Response('No such inbox', { status: 404 }),
    });
    // A server that delivers to us is up: deliveries to it resume.
    if (response.ok && host) this.health.alive(host);
    if (response.ok) this.metrics.countInboxActivity('accepted', 'verified');
    else this.metrics.countInboxActivity('refused', fedifyRefusal(response.status));
    return response;
  }

  private refused(refusal: InboxRefusal): Response {
    this.metrics.countInboxActivity('refused', refusal.code);
    return refusal.toResponse();
  }

  private async instanceActor(request: Request): Promise<Response | null> {
    const id = new URL(`${this.origin}${INSTANCE_ACTOR_PATH}`);
    const keys = describeKeyPairs(id, await this.keys.keyPairs(INSTANCE_ACTOR_KEY_ID));
    return respondWithObjectIfAcceptable(toInstanceActor(this.origin, keys), request);
  }

  /** A suspended local account's actor answers 410 with a Tombstone, to ActivityPub clients only. */
  private async suspendedActor(request: Request, username: string): Promise<Response | null> {
    if (!(await this.suspensions.isSuspended(username))) return null;
    const id = `${this.origin}/users/${username}`;
    return this.gone(request, {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id,
      type: 'Tombstone',
      formerType: 'Person',
    });
  }

  /** 410 with `body` when the request accepts ActivityPub JSON (Fedify's negotiation); null otherwise. */
  private async gone(request: Request, body: { id: string; [field: string]: unknown }): Promise<Response | null> {
    if (!(await respondWithObjectIfAcceptable(new Tombstone({ id: new URL(body.id) }), request))) return null;
    return new Response(JSON.stringify(body), {
      status: 410,
      headers: { 'Content-Type': 'application/activity+json', Vary: 'Accept' },
    });
  }

  /**
   * A deleted local post answers 410 with a Tombstone (FEDERATION.md), to ActivityPub clients only
   * (browsers fall through to Nest). Fedify's object dispatchers cannot answer 410, hence here.
   * Boosts are not objects of their own: a deleted one is simply unknown (404 from Fedify).
   */
  private async deletedPost(request: Request, id: string): Promise<Response | null> {
    const post = await this.postObjects.findLocalPost(id);
    if (!post?.deletedAt || post.boostOfId) return null;
    // Fedify's content negotiation decides; its body is not used (Fedify compacts `formerType` to
    // an `{"@id": …}` IRI, where Mastodon and the contract expect the plain type name).
    const body = toTombstone(this.origin, post);
    return this.gone(request, { ...body, id: String(body.id) });
  }
}
