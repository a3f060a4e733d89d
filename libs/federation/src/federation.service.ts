import { createFederation, type Federation } from '@fedify/fedify';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import { AccountRepository, type AccountEntity } from '@guildhall/identity';
import { ACTOR_PATH, toPerson } from './actors/actor.mapper';
import { PostgresKvStore } from './kv/postgres-kv.store';
import { ActorKeyService } from './keys/actor-key.service';

/** Local usernames (the accounts_local_username_ck constraint): anything else is not an actor. */
const USERNAME = /^[a-z0-9_]{1,30}$/;

/**
 * The Fedify `Federation` for this process: actors, their keys and collections, WebFinger.
 * The identifier in every route is the local username, so ids stay `${origin}/users/<username>`.
 */
@Injectable()
export class FederationService {
  readonly federation: Federation<void>;

  constructor(
    config: ConfigService,
    kv: PostgresKvStore,
    private readonly accounts: AccountRepository,
    private readonly keys: ActorKeyService,
  ) {
    this.federation = createFederation<void>({
      kv,
      // No queue in this slice: nothing is sent or received yet. Inbox and delivery bring a BullMQ
      // adapter (DESIGN.md); without `queue`, Fedify would process activities inline.
      origin: config.values.publicOrigin,
      allowPrivateAddress: config.values.federationAllowPrivateAddresses,
    });
    this.setUpActors();
    this.setUpCollections();
  }

  private findLocal(identifier: string): Promise<AccountEntity | null> {
    return USERNAME.test(identifier) ? this.accounts.findByUsername(identifier, null) : Promise.resolve(null);
  }

  private setUpActors(): void {
    this.federation
      .setActorDispatcher(ACTOR_PATH, async (ctx, identifier) => {
        const account = await this.findLocal(identifier);
        if (!account) return null;
        return toPerson(ctx, account, await ctx.getActorKeyPairs(identifier));
      })
      .setKeyPairsDispatcher(async (_ctx, identifier) => {
        const account = await this.findLocal(identifier);
        return account ? this.keys.keyPairs(account.id) : [];
      })
      // WebFinger `acct:Alice@host` finds `alice`; the actor id keeps the one stored spelling.
      .mapHandle(async (_ctx, username) => (await this.findLocal(username.toLowerCase()))?.username ?? null);
  }

  /** Counts only for now (Mastodon reads `totalItems`); pages arrive with the outbox bridge. */
  private setUpCollections(): void {
    this.federation
      .setFollowersDispatcher(`${ACTOR_PATH}/followers`, async (_ctx, identifier) =>
        (await this.findLocal(identifier)) ? { items: [] } : null,
      )
      .setCounter(async (_ctx, identifier) => (await this.findLocal(identifier))?.followersCount ?? null);
    this.federation
      .setFollowingDispatcher(`${ACTOR_PATH}/following`, async (_ctx, identifier) =>
        (await this.findLocal(identifier)) ? { items: [] } : null,
      )
      .setCounter(async (_ctx, identifier) => (await this.findLocal(identifier))?.followingCount ?? null);
    this.federation
      .setOutboxDispatcher(`${ACTOR_PATH}/outbox`, async (_ctx, identifier) =>
        (await this.findLocal(identifier)) ? { items: [] } : null,
      )
      .setCounter(async (_ctx, identifier) => (await this.findLocal(identifier))?.postsCount ?? null);
  }
}
