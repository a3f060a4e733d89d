import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { respondWithObjectIfAcceptable } from '@fedify/fedify';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import { describeKeyPairs, INSTANCE_ACTOR_PATH, toInstanceActor } from '../actors/actor.mapper';
import { FederationService } from '../federation.service';
import { ActorKeyService, INSTANCE_ACTOR_KEY_ID } from '../keys/actor-key.service';
import { InstanceStatsRepository } from '../well-known/instance-stats.repository';
import { hostMeta, isNodeInfoVersion, nodeInfo, nodeInfoLinks } from '../well-known/well-known.responses';

/** Paths this handler may answer; everything else goes straight to Nest, its body untouched. */
const FEDERATION_PATH =
  /^\/(?:\.well-known\/(?:webfinger|host-meta|nodeinfo)|nodeinfo\/[\d.]+|users\/[^/]+(?:\/[a-z]+)?|actor|inbox)$/;

/** `acct:user@host[:port]` or an http(s) URL; anything else is a malformed WebFinger resource. */
const WEBFINGER_RESOURCE = /^(?:acct:[^@\s/]+@[^@\s/]+|https?:\/\/\S+)$/i;

function toWebRequest(raw: IncomingMessage, url: URL): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = raw.method !== 'GET' && raw.method !== 'HEAD';
  return new Request(url, {
    method: raw.method,
    headers,
    body: hasBody ? Readable.toWeb(raw) : undefined,
    // Node's fetch requires half duplex for a streamed request body.
    ...(hasBody ? { duplex: 'half' } : {}),
  });
}

/**
 * Turns a Node request into a Web `Request` for Fedify (and the few well-known documents Fedify
 * does not serve), before Fastify parses any body. Resolves to null when Nest should answer:
 * Fedify's onNotFound/onNotAcceptable (e.g. a browser asking for /users/alice) fall through.
 */
@Injectable()
export class FederationHttpHandler {
  private readonly origin: string;

  constructor(
    config: ConfigService,
    private readonly federation: FederationService,
    private readonly keys: ActorKeyService,
    private readonly stats: InstanceStatsRepository,
  ) {
    this.origin = config.values.publicOrigin;
  }

  async handle(raw: IncomingMessage): Promise<Response | null> {
    // GET and HEAD only until the inbox slice: Fedify has no POST route yet, and a stream handed
    // to it and then passed on to Nest would arrive there already read.
    if (raw.method !== 'GET' && raw.method !== 'HEAD') return null;
    // Ids derive from PUBLIC_ORIGIN, never from Host or X-Forwarded-*: one canonical form.
    const url = new URL(raw.url ?? '/', this.origin);
    if (!FEDERATION_PATH.test(url.pathname)) return null;

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
    if (version !== undefined) return isNodeInfoVersion(version) ? nodeInfo(version, await this.stats.counts()) : null;

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
    return fallThrough ? null : response;
  }

  private async instanceActor(request: Request): Promise<Response | null> {
    const id = new URL(`${this.origin}${INSTANCE_ACTOR_PATH}`);
    const keys = describeKeyPairs(id, await this.keys.keyPairs(INSTANCE_ACTOR_KEY_ID));
    return respondWithObjectIfAcceptable(toInstanceActor(this.origin, keys), request);
  }
}
