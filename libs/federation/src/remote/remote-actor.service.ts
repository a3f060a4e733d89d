import { type DocumentLoader } from '@fedify/fedify/runtime';
import { type Actor, Image, isActor, lookupObject, PropertyValue } from '@fedify/fedify/vocab';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ConfigService, MarkdownRenderer } from '@guildhall/core';
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
import { safeDocumentLoader, safeGet, type SafeFetchPolicy, type Signer } from './safe-document-loader';

/** A cached remote actor is refetched when older than this. */
const STALE_AFTER_MS = 24 * 3_600_000;

/** WebFinger over https, as Mastodon does; plain http only for a loopback test peer is not offered. */
const webFingerUrl = (username: string, domain: string) =>
  `https://${domain}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${username}@${domain}`)}`;

/** A plain or language-tagged string (Fedify's LanguageString) as text. */
const text = (value: { toString(): string } | null | undefined): string | null =>
  value == null ? null : value.toString();

/**
 * Remote actors: found by handle (WebFinger) or id, fetched with the instance actor's signature
 * (servers in authorized-fetch mode answer only signed GETs), cached as accounts and refreshed
 * when a day old. Every fetch is bounded by the safe loader (private addresses, blocks, size, time).
 */
@Injectable()
export class RemoteActorService implements RemoteAccountResolver, OnModuleInit {
  private readonly logger = new Logger(RemoteActorService.name);
  readonly policy: SafeFetchPolicy;
  /** Unsigned: JSON-LD contexts and public documents. */
  readonly contextLoader: DocumentLoader;
  private readonly origin: string;
  private signedLoader: DocumentLoader | undefined;

  constructor(
    config: ConfigService,
    blocks: DomainBlockCache,
    private readonly keys: ActorKeyService,
    private readonly accounts: AccountRepository,
    private readonly resolvers: RemoteAccountResolvers,
    private readonly renderer: MarkdownRenderer,
  ) {
    const { federation, federationAllowPrivateAddresses, publicOrigin } = config.values;
    this.origin = publicOrigin;
    this.policy = {
      allowPrivateAddresses: federationAllowPrivateAddresses,
      timeoutMs: federation.timeoutMs,
      maxBodyBytes: federation.maxBodyBytes,
      userAgent: `Guildhall/0.1 (+${publicOrigin})`,
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

  /** `user@domain` through WebFinger; null when the server says there is no such account. */
  async resolveHandle({ username, domain }: { username: string; domain: string }): Promise<AccountEntity | null> {
    if (this.policy.isBlocked(domain)) return null;
    let actorUrl: string | undefined;
    try {
      const jrd = await safeGet(webFingerUrl(username, domain), this.policy, { accept: 'application/jrd+json' });
      if (jrd.status !== 200) return null;
      const links = (
        JSON.parse(jrd.body.toString('utf8')) as { links?: { rel?: string; type?: string; href?: string }[] }
      ).links;
      actorUrl = links?.find(
        (link) =>
          link.rel === 'self' &&
          (link.type === 'application/activity+json' || link.type?.startsWith('application/ld+json')),
      )?.href;
    } catch (error) {
      this.logger.warn({ msg: 'webfinger lookup failed', username, domain, err: error });
      return null;
    }
    return actorUrl ? this.resolveUri(actorUrl, { domain, refresh: true }) : null;
  }

  /**
   * The account of the actor at `uri`, from the cache when fresh. `domain` is the handle's domain
   * when it came from WebFinger (it may differ from the id's host); else the id's host.
   */
  async resolveUri(uri: string, options: { domain?: string; refresh?: boolean } = {}): Promise<AccountEntity | null> {
    const cached = await this.accounts.findByUri(uri);
    const fresh = cached?.lastFetchedAt && Date.now() - cached.lastFetchedAt.getTime() < STALE_AFTER_MS;
    if (cached && fresh && !options.refresh) return cached;
    try {
      const object = await lookupObject(uri, {
        documentLoader: await this.documentLoader(),
        contextLoader: this.contextLoader,
      });
      if (!object || !isActor(object) || !object.id) return cached;
      if (object.id.origin !== new URL(uri).origin) {
        this.logger.warn({ msg: 'actor id on another origin than its URL', uri, id: object.id.href });
        return cached;
      }
      return await this.store(object, options.domain ?? cached?.domain ?? undefined);
    } catch (error) {
      this.logger.warn({ msg: 'actor fetch failed', uri, err: error });
      return cached;
    }
  }

  /** Stores an actor already fetched (an inbox's sender, an Update(Person)). */
  async store(actor: Actor, domain?: string): Promise<AccountEntity> {
    const id = actor.id as URL;
    const icon = await actor.getIcon({ documentLoader: this.contextLoader }).catch(() => null);
    const image = await actor.getImage({ documentLoader: this.contextLoader }).catch(() => null);
    const fields: { name: string; value: string }[] = [];
    for await (const attachment of actor.getAttachments({ documentLoader: this.contextLoader, suppressError: true })) {
      if (attachment instanceof PropertyValue && fields.length < 8) {
        fields.push({ name: text(attachment.name) ?? '', value: this.renderer.sanitize(text(attachment.value) ?? '') });
      }
    }
    const data: RemoteAccountData = {
      username: (actor.preferredUsername?.toString() ?? id.pathname.split('/').pop() ?? 'unknown').toLowerCase(),
      domain: (domain ?? id.host).toLowerCase(),
      uri: id.href,
      url: actor.url instanceof URL ? actor.url.href : (actor.url?.href?.href ?? id.href),
      displayName: text(actor.name),
      bio: actor.summary ? this.renderer.sanitize(actor.summary.toString()) : null,
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
