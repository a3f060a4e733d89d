import { type DocumentLoader } from '@fedify/fedify/runtime';
import { type Actor, Image, isActor, lookupObject, PropertyValue } from '@fedify/fedify/vocab';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ConfigService, hostOf, MarkdownRenderer, normalizeHost } from '@guildhall/core';
import {
  AccountRepository,
  RemoteAccountResolvers,
  type AccountEntity,
  type RemoteAccountData,
  type RemoteAccountResolver,
} from '@guildhall/identity';
import { INSTANCE_ACTOR_PATH } from '../actors/actor.mapper';
import { ActorKeyService, INSTANCE_ACTOR_KEY_ID } from '../keys/actor-key.service';
import { DomainBlockCache } from '../moderation/domain-block.cache';
import { OutboundHttp } from '../safety/outbound-http';
import { remoteText } from './remote-text';
import { safeDocumentLoader, type SafeFetchPolicy, type Signer } from './safe-document-loader';
import { type Acct, isRemoteUsername, parseAcct, sameAcct, webFinger, type WebFingerAnswer } from './webfinger';

/** A cached remote actor is refetched when older than this. */
const STALE_AFTER_MS = 24 * 3_600_000;

/** Every text the actor document gives goes through this (control characters dropped). */
const text = remoteText;

/**
 * Remote actors: found by handle (WebFinger) or id, fetched with the instance actor's signature
 * (servers in authorized-fetch mode answer only signed GETs), cached as accounts and refreshed
 * when a day old. Every fetch goes through the one outbound client and the safe loader (private
 * addresses, blocks, size, time). A handle is stored only once the actor's own domain confirmed
 * it (`confirmedHandle`, ADR 0018); a username Mastodon would not accept is never stored.
 */
@Injectable()
export class RemoteActorService implements RemoteAccountResolver, OnModuleInit {
  private readonly logger = new Logger(RemoteActorService.name);
  readonly policy: SafeFetchPolicy;
  /** Unsigned: JSON-LD contexts and public documents. */
  readonly contextLoader: DocumentLoader;
  private readonly origin: string;
  private signedLoader: DocumentLoader | undefined;
  /** Fetches of actors under way, by URI (`resolveUri`). */
  private readonly resolving = new Map<string, Promise<AccountEntity | null>>();

  constructor(
    config: ConfigService,
    readonly http: OutboundHttp,
    blocks: DomainBlockCache,
    private readonly keys: ActorKeyService,
    private readonly accounts: AccountRepository,
    private readonly resolvers: RemoteAccountResolvers,
    private readonly renderer: MarkdownRenderer,
  ) {
    this.origin = config.values.publicOrigin;
    this.policy = {
      allowPrivateAddresses: http.allowPrivateAddresses,
      timeoutMs: http.timeoutMs,
      maxBodyBytes: http.maxBodyBytes,
      userAgent: http.userAgent,
      fetch: (request) => http.fetch(request),
      isBlocked: (host) => blocks.isBlocked(host),
    };
    this.contextLoader = safeDocumentLoader(this.policy);
  }

  onModuleInit(): void {
    this.resolvers.register(this);
  }

  /** The instance actor's key: it signs the server's own GETs. */
  async instanceSigner(): Promise<Signer> {
    const [pair] = await this.keys.keyPairs(INSTANCE_ACTOR_KEY_ID);
    return { keyId: new URL(`${this.origin}${INSTANCE_ACTOR_PATH}#main-key`), privateKey: pair.privateKey };
  }

  /** A document loader signing as the instance actor. */
  async documentLoader(): Promise<DocumentLoader> {
    this.signedLoader ??= safeDocumentLoader(this.policy, await this.instanceSigner());
    return this.signedLoader;
  }

  /**
   * `user@domain` through WebFinger; null when the server says there is no such account, or when
   * the actor it points to is not confirmed by its own domain (`confirmedHandle`).
   */
  async resolveHandle({ username, domain }: { username: string; domain: string }): Promise<AccountEntity | null> {
    const queried = parseAcct(`${username}@${domain}`);
    if (!queried || this.policy.isBlocked(queried.domain)) return null;
    try {
      const answer = await webFinger(queried, this.policy);
      if (!answer?.actorId) return null;
      const actor = await this.fetchActor(answer.actorId);
      if (!actor) return null;
      const handle = await this.confirmedHandle(actor, queried, answer);
      if (!handle) {
        this.logger.warn({ msg: 'webfinger not confirmed by the actor domain', queried, actorId: actor.id?.href });
        return null;
      }
      if (this.policy.isBlocked(handle.domain)) return null;
      return await this.store(actor, handle.domain, handle.username);
    } catch (error) {
      this.logger.warn({ msg: 'webfinger lookup failed', username, domain, err: error });
      return null;
    }
  }

  /**
   * The handle `actor` may be stored under, as Mastodon's resolve_account_service and
   * fetch_remote_actor_service decide it: the actor's own domain must point
   * `preferredUsername@<its host>` back to the actor's id; its answer's subject is the handle.
   * When that subject is on another domain (Mastodon's WEB_DOMAIN, or `x@attacker` pointing at an
   * honest actor), that domain must point back to the same id as well. Null when either does not.
   */
  private async confirmedHandle(actor: Actor, queried: Acct, first: WebFingerAnswer): Promise<Acct | null> {
    const id = actor.id!;
    const actorHost = hostOf(id);
    const preferred = text(actor.preferredUsername) ?? '';
    if (!actorHost || !isRemoteUsername(preferred)) return null;
    const own: Acct = { username: preferred.toLowerCase(), domain: actorHost };
    const pointsHere = (answer: WebFingerAnswer | null) => answer?.actorId === id.href;
    // An actor served over http is asked over http: its id is no more trusted than that.
    const scheme = id.protocol === 'http:' ? 'http:' : 'https:';
    const ownAnswer = sameAcct(queried, own) ? first : await webFinger(own, this.policy, scheme);
    if (!pointsHere(ownAnswer)) return null;
    const subject = ownAnswer!.subject ?? own;
    if (subject.domain === actorHost) return subject;
    if (sameAcct(subject, queried)) return pointsHere(first) ? subject : null;
    return pointsHere(await webFinger(subject, this.policy)) ? subject : null;
  }

  /** The actor at `uri`, fetched (signed); null when it is not an actor or its id is on another origin. */
  private async fetchActor(uri: string): Promise<Actor | null> {
    const object = await lookupObject(uri, {
      documentLoader: await this.documentLoader(),
      contextLoader: this.contextLoader,
    });
    if (!object || !isActor(object) || !object.id) return null;
    if (object.id.origin !== new URL(uri).origin) {
      this.logger.warn({ msg: 'actor id on another origin than its URL', uri, id: object.id.href });
      return null;
    }
    return object;
  }

  /**
   * The accounts among `uris` that `resolveUri` would answer from what is stored, without a fetch
   * (known and fresh), in one query; the others are left out.
   */
  async knownFresh(uris: readonly string[]): Promise<Map<string, AccountEntity>> {
    const accounts = await this.accounts.findByUris(uris);
    const now = Date.now();
    return new Map(
      accounts
        .filter((account) => account.lastFetchedAt && now - account.lastFetchedAt.getTime() < STALE_AFTER_MS)
        .map((account) => [account.uri!, account]),
    );
  }

  /**
   * The account of the actor at `uri`, from the cache when fresh. A new actor's domain is its
   * id's host; a known one keeps the domain its handle was confirmed on.
   */
  async resolveUri(uri: string, options: { refresh?: boolean } = {}): Promise<AccountEntity | null> {
    const cached = await this.accounts.findByUri(uri);
    const fresh = cached?.lastFetchedAt && Date.now() - cached.lastFetchedAt.getTime() < STALE_AFTER_MS;
    if (cached && fresh && !options.refresh) return cached;
    // One fetch and one store per actor at a time in this process: a burst of a new actor's
    // activities reaching the worker together raced to insert it (a duplicate handle or a
    // deadlock), and each loser's activity was refused for want of its sender (ADR 0063).
    const inFlight = this.resolving.get(uri);
    if (inFlight) return (await inFlight) ?? cached;
    const resolution = this.fetchAndStore(uri, cached).finally(() => this.resolving.delete(uri));
    this.resolving.set(uri, resolution);
    return resolution;
  }

  private async fetchAndStore(uri: string, cached: AccountEntity | null): Promise<AccountEntity | null> {
    try {
      const object = await this.fetchActor(uri);
      if (!object) return cached;
      return (await this.store(object, cached?.domain ?? undefined)) ?? cached;
    } catch (error) {
      this.logger.warn({ msg: 'actor fetch failed', uri, err: error });
      return cached;
    }
  }

  /**
   * Stores an actor already fetched (an inbox's sender, an Update(Person)) under `domain` (default:
   * its id's host) and `username` (default: its preferredUsername). Null, and nothing stored,
   * when the username is not one Mastodon would accept or the domain is not a host.
   */
  async store(actor: Actor, domain?: string, username?: string): Promise<AccountEntity | null> {
    const id = actor.id as URL;
    const name = username ?? text(actor.preferredUsername) ?? '';
    const host = normalizeHost(domain ?? id.host);
    if (!isRemoteUsername(name) || !host) {
      this.logger.warn({ msg: 'remote actor refused: invalid handle', actorId: id.href, username: name.slice(0, 100) });
      return null;
    }
    const icon = await actor.getIcon({ documentLoader: this.contextLoader }).catch(() => null);
    const image = await actor.getImage({ documentLoader: this.contextLoader }).catch(() => null);
    const fields: { name: string; value: string }[] = [];
    for await (const attachment of actor.getAttachments({ documentLoader: this.contextLoader, suppressError: true })) {
      if (attachment instanceof PropertyValue && fields.length < 8) {
        fields.push({ name: text(attachment.name) ?? '', value: this.renderer.sanitize(text(attachment.value) ?? '') });
      }
    }
    const data: RemoteAccountData = {
      username: name.toLowerCase(),
      domain: host,
      uri: id.href,
      url: actor.url instanceof URL ? actor.url.href : (actor.url?.href?.href ?? id.href),
      displayName: text(actor.name),
      bio: actor.summary ? this.renderer.sanitize(text(actor.summary)!) : null,
      avatarRemoteUrl: imageUrl(icon),
      headerRemoteUrl: imageUrl(image),
      fields,
      manuallyApprovesFollowers: actor.manuallyApprovesFollowers ?? false,
      discoverable: actor.discoverable ?? false,
      inboxUrl: actor.inboxId?.href ?? null,
      sharedInboxUrl: actor.endpoints?.sharedInbox?.href ?? null,
      followersUrl: actor.followersId?.href ?? null,
      actorType: actor.constructor.name,
      alsoKnownAs: actor.aliasIds.map((alias) => alias.href),
    };
    return this.accounts.upsertRemote(data);
  }
}

function imageUrl(image: unknown): string | null {
  if (!(image instanceof Image)) return null;
  const url = image.url;
  if (url instanceof URL) return url.href;
  return url?.href?.href ?? null;
}
