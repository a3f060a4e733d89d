import { createFederation, type Federation } from '@fedify/fedify';
import { Article, Note } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import { Visibility } from '@guildhall/content';
import { AccountRepository, type AccountEntity } from '@guildhall/identity';
import { ACTOR_PATH, toPerson } from './actors/actor.mapper';
import { PostgresKvStore } from './kv/postgres-kv.store';
import { ActorKeyService } from './keys/actor-key.service';
import { POST_PATH, toPostObject } from './objects/post-object.mapper';
import { PostObjectRepository } from './objects/post-object.repository';

/** Post ids are UUIDs; anything else is no post (and must not reach a uuid column). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
    private readonly postObjects: PostObjectRepository,
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
    this.setUpObjects();
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

  /**
   * Local posts at `/posts/{id}`: a `Note`, or an `Article` when titled. Both classes share the
   * path (so `ctx.getObjectUri(Article, …)` works too); the router picks the first route added,
   * so one dispatcher answers for both and returns whichever type the post is. Deleted posts never
   * get here: the HTTP handler answers them 410 with a Tombstone (an object dispatcher cannot).
   */
  private setUpObjects(): void {
    const dispatch = async (ctx: { origin: string }, id: string): Promise<Note | Article | null> => {
      if (!UUID.test(id)) return null;
      const post = await this.postObjects.findLocalPost(id.toLowerCase());
      if (!post || post.deletedAt || post.boostOfId) return null;
      // FOLLOWERS and DIRECT posts answer 404 for now: serving them needs authorized fetch (a
      // signed GET from an actor allowed to see the post), which a later slice brings.
      if (post.visibility !== Visibility.Public && post.visibility !== Visibility.Unlisted) return null;
      const data = await this.postObjects.load(post);
      return data ? toPostObject(ctx.origin, data) : null;
    };
    this.federation.setObjectDispatcher<Note | Article, 'id'>(Note, POST_PATH, (ctx, values) =>
      dispatch(ctx, values.id),
    );
    this.federation.setObjectDispatcher<Note | Article, 'id'>(Article, POST_PATH, (ctx, values) =>
      dispatch(ctx, values.id),
    );
  }
}
