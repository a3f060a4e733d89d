import type { RequestContext } from '@fedify/fedify';
import type { DocumentLoader } from '@fedify/fedify/runtime';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import { AccountRepository } from '@guildhall/identity';
import { confirmedKeyLoader } from '../keys/key-ownership';
import { DomainBlockCache } from '../moderation/domain-block.cache';
import { RemoteActorService } from '../remote/remote-actor.service';

/**
 * Who is fetching, for ActivityPub reads: the verified signer of a signed GET, and the account
 * it is here. What that reader may see is the content lib's visibility rule (visibleTo, ADR 0019),
 * the same rule GraphQL and the HTML pages apply: this class only says who asks.
 *
 * Authorized fetch (FEDERATION_AUTHORIZED_FETCH, Mastodon's "secure mode"): actors, posts and
 * collections answer only GETs signed by an actor we can verify, from a domain we do not block.
 * WebFinger, NodeInfo, the instance actor and our Follow ids stay public (peers need them to
 * verify us in the first place). Off, unsigned GETs read as anonymous; a signed one is still
 * verified, so a follower's server can fetch a followers-only post (as Mastodon does).
 */
@Injectable()
export class FetchAuthorizer {
  private readonly logger = new Logger(FetchAuthorizer.name);
  readonly enabled: boolean;
  /** One verification per request: Fedify asks `authorize`, then the dispatcher asks `readerId`. */
  private readonly signers = new WeakMap<Request, Promise<URL | null>>();
  private confirmedLoader: DocumentLoader | undefined;

  constructor(
    config: ConfigService,
    private readonly remote: RemoteActorService,
    private readonly blocks: DomainBlockCache,
    private readonly accounts: AccountRepository,
  ) {
    this.enabled = config.values.federation.authorizedFetch;
  }

  /**
   * The verified signer of the request (the signing key's owner), or null when unsigned, badly
   * signed or unverifiable. The key is fetched signed as our instance actor, so peers in
   * authorized-fetch mode answer too.
   */
  signer(ctx: RequestContext<void>): Promise<URL | null> {
    let signer = this.signers.get(ctx.request);
    if (!signer) {
      signer = this.verify(ctx);
      this.signers.set(ctx.request, signer);
    }
    return signer;
  }

  /**
   * The signed loader keys are fetched with, refusing a key whose claimed owner does not confirm
   * it (keyBelongsTo, ADR 0017), as on every other path Fedify fetches keys on. Fedify then also
   * requires the owner's document to list the key (getKeyOwner).
   */
  private async keyLoader(): Promise<DocumentLoader> {
    this.confirmedLoader ??= confirmedKeyLoader(await this.remote.documentLoader(), this.remote.contextLoader);
    return this.confirmedLoader;
  }

  private async verify(ctx: RequestContext<void>): Promise<URL | null> {
    if (!ctx.request.headers.has('signature') && !ctx.request.headers.has('signature-input')) return null;
    try {
      const owner = await ctx.getSignedKeyOwner({
        documentLoader: await this.keyLoader(),
        contextLoader: this.remote.contextLoader,
      });
      return owner?.id ?? null;
    } catch (error) {
      this.logger.warn({ msg: 'could not verify a signed fetch', url: ctx.url.href, err: error });
      return null;
    }
  }

  /**
   * The reader for the visibility rule: the remote account that signed the request, or null
   * (anonymous: unsigned, unverifiable, or an actor we hold no account for — it can follow
   * nobody here and be mentioned nowhere, so it sees what everyone sees).
   */
  async readerId(ctx: RequestContext<void>): Promise<string | null> {
    const signer = await this.signer(ctx);
    if (!signer) return null;
    const account = await this.accounts.findByUri(signer.href);
    return account && account.domain !== null ? account.id : null;
  }

  /** Fedify's `.authorize()` predicate for actors, objects and collections. */
  readonly authorize = async (ctx: RequestContext<void>): Promise<boolean> => {
    if (!this.enabled) return true;
    const signer = await this.signer(ctx);
    return signer !== null && !this.blocks.isBlocked(signer.host.toLowerCase());
  };
}
