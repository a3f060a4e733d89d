import type { RequestContext } from '@fedify/fedify';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import { DomainBlockCache } from '../moderation/domain-block.cache';
import { RemoteActorService } from '../remote/remote-actor.service';

/**
 * Authorized fetch (FEDERATION_AUTHORIZED_FETCH, Mastodon's "secure mode"): actors, posts and
 * collections answer only GETs signed by an actor we can verify, from a domain we do not block.
 * WebFinger, NodeInfo, the instance actor and our Follow ids stay public (peers need them to
 * verify us in the first place). Off, everything public stays public and nothing is verified.
 */
@Injectable()
export class FetchAuthorizer {
  private readonly logger = new Logger(FetchAuthorizer.name);
  readonly enabled: boolean;

  constructor(
    config: ConfigService,
    private readonly remote: RemoteActorService,
    private readonly blocks: DomainBlockCache,
  ) {
    this.enabled = config.values.federation.authorizedFetch;
  }

  /**
   * The verified signer of the request (the signing key's owner), or null when unsigned, badly
   * signed or unverifiable. The key is fetched signed as our instance actor, so peers in
   * authorized-fetch mode answer too.
   */
  async signer(ctx: RequestContext<void>): Promise<URL | null> {
    if (!ctx.request.headers.has('signature') && !ctx.request.headers.has('signature-input')) return null;
    try {
      const owner = await ctx.getSignedKeyOwner({
        documentLoader: await this.remote.documentLoader(),
        contextLoader: this.remote.contextLoader,
      });
      return owner?.id ?? null;
    } catch (error) {
      this.logger.warn({ msg: 'could not verify a signed fetch', url: ctx.url.href, err: error });
      return null;
    }
  }

  /** Fedify's `.authorize()` predicate for actors, objects and collections. */
  readonly authorize = async (ctx: RequestContext<void>): Promise<boolean> => {
    if (!this.enabled) return true;
    const signer = await this.signer(ctx);
    return signer !== null && !this.blocks.isBlocked(signer.host.toLowerCase());
  };
}
