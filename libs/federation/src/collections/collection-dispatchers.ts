import type { Context, Federation, PageItems } from '@fedify/fedify';
import { type Activity, Object as APObject, type Recipient } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { localPostUri, MediaCapabilities, type PostEntity, PostRepository } from '@guildhall/content';
import { AccountRepository, type AccountEntity } from '@guildhall/identity';
import { ACTOR_PATH } from '../actors/actor.mapper';
import { FetchAuthorizer } from '../actors/fetch-authorizer';
import { POST_REPLIES_PATH } from '../outbox/activity-ids';
import { localActorUri, toAnnounce, toCreate } from '../objects/activity-object.mapper';
import { toPostObject } from '../objects/post-object.mapper';
import { PostObjectRepository } from '../objects/post-object.repository';
import { CollectionRepository, type GraphAccountRow } from './collection.repository';
import { FIRST_CURSOR, type PageOf, readPage } from './page';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Fedify's PageItems from one of our pages. */
function items<T, I>(page: PageOf<T> | null, map: (rows: T[]) => I[] | Promise<I[]>): Promise<PageItems<I> | null> {
  if (!page) return Promise.resolve(null);
  return Promise.resolve(map(page.rows)).then((mapped) => ({
    items: mapped,
    nextCursor: page.nextCursor,
    prevCursor: page.prevCursor,
  }));
}

/**
 * A follower as a collection item: remote ones as Recipients (so Fedify's `followers` sendActivity
 * can deliver to them, sharing inboxes), local ones by their id only (nothing to deliver).
 */
function toRecipient(origin: string, row: GraphAccountRow): Recipient {
  if (row.domain === null) return { id: localActorUri(origin, row.username), inboxId: null };
  return {
    id: row.uri ? new URL(row.uri) : null,
    inboxId: row.inboxUrl ? new URL(row.inboxUrl) : null,
    endpoints: { sharedInbox: row.sharedInboxUrl ? new URL(row.sharedInboxUrl) : null },
  };
}

function actorId(origin: string, row: GraphAccountRow): URL | null {
  if (row.domain === null) return localActorUri(origin, row.username);
  return row.uri ? new URL(row.uri) : null;
}

/**
 * The actors' followers, following, outbox and featured collections and each post's replies:
 * `OrderedCollection{totalItems, first}` and pages of 20 (`orderedItems next prev partOf`),
 * newest first, with UUIDv7 cursors. All of them are behind authorized fetch when it is on.
 */
@Injectable()
export class CollectionDispatchers {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly collections: CollectionRepository,
    private readonly posts: PostObjectRepository,
    private readonly visible: PostRepository,
    private readonly fetches: FetchAuthorizer,
    private readonly media: MediaCapabilities,
  ) {}

  private findLocal(identifier: string): Promise<AccountEntity | null> {
    return this.accounts.findActiveLocal(identifier);
  }

  register(federation: Federation<void>): void {
    const authorize = this.fetches.authorize;
    const first = async (_ctx: unknown, identifier: string) =>
      (await this.findLocal(identifier)) ? FIRST_CURSOR : null;

    federation
      .setFollowersDispatcher(`${ACTOR_PATH}/followers`, (ctx, identifier, cursor) =>
        this.followers(ctx, identifier, cursor),
      )
      .setCounter(async (_ctx, identifier) => (await this.findLocal(identifier))?.followersCount ?? null)
      .setFirstCursor(first)
      .authorize(authorize);

    federation
      .setFollowingDispatcher(`${ACTOR_PATH}/following`, async (ctx, identifier, cursor) => {
        const account = cursor === null ? null : await this.findLocal(identifier);
        if (!account || cursor === null) return null;
        const page = await readPage(cursor, (query) => this.collections.followingPage(account.id, query));
        return items(page, (rows) => rows.map((row) => actorId(ctx.origin, row)).filter((id) => id !== null));
      })
      .setCounter(async (_ctx, identifier) => (await this.findLocal(identifier))?.followingCount ?? null)
      .setFirstCursor(first)
      .authorize(authorize);

    federation
      .setOutboxDispatcher(`${ACTOR_PATH}/outbox`, async (ctx, identifier, cursor) => {
        const account = cursor === null ? null : await this.findLocal(identifier);
        if (!account || cursor === null) return null;
        const reader = await this.fetches.readerId(ctx);
        const page = await readPage(cursor, (query) => this.collections.outboxPage(account.id, reader, query));
        return items(page, (rows) => this.outboxItems(ctx.origin, account, rows));
      })
      .setCounter(async (_ctx, identifier) => {
        const account = await this.findLocal(identifier);
        return account ? this.collections.outboxCount(account.id) : null;
      })
      .setFirstCursor(first)
      .authorize(authorize);

    // No pinned posts yet: an empty OrderedCollection Mastodon can read (`totalItems: 0`).
    federation
      .setFeaturedDispatcher(`${ACTOR_PATH}/featured`, async (_ctx, identifier) =>
        (await this.findLocal(identifier)) ? { items: [] } : null,
      )
      .setCounter(async (_ctx, identifier) => ((await this.findLocal(identifier)) ? 0 : null))
      .authorize(authorize);

    federation
      .setOrderedCollectionDispatcher('replies', APObject, POST_REPLIES_PATH, async (ctx, { id }, cursor) => {
        const reader = await this.fetches.readerId(ctx);
        const post = cursor === null ? null : await this.visibleLocalPost(id, reader);
        if (!post || cursor === null) return null;
        const page = await readPage(cursor, (query) => this.collections.repliesPage(post.id, reader, query));
        return items(page, (rows) =>
          rows.flatMap((row) => {
            const uri = row.local ? localPostUri(ctx.origin, row.id) : row.uri;
            return uri ? [new URL(uri)] : [];
          }),
        ) as Promise<PageItems<APObject> | null>;
      })
      .setCounter(async (ctx, { id }) => {
        const reader = await this.fetches.readerId(ctx);
        const post = await this.visibleLocalPost(id, reader);
        return post ? this.collections.repliesCount(post.id, reader) : null;
      })
      .setFirstCursor(async (ctx, { id }) =>
        (await this.visibleLocalPost(id, await this.fetches.readerId(ctx))) ? FIRST_CURSOR : null,
      )
      .authorize(authorize);
  }

  /**
   * Without a cursor: every follower, for Fedify's `followers` recipients (our outbound bridge
   * computes its own lists, but this keeps `sendActivity(…, 'followers', …)` correct). With one:
   * a page.
   */
  private async followers(
    ctx: Context<void>,
    identifier: string,
    cursor: string | null,
  ): Promise<PageItems<Recipient> | null> {
    const account = await this.findLocal(identifier);
    if (!account) return null;
    if (cursor === null) {
      const rows = await this.collections.allFollowers(account.id);
      return { items: rows.map((row) => toRecipient(ctx.origin, row)) };
    }
    const page = await readPage(cursor, (query) => this.collections.followersPage(account.id, query));
    return items(page, (rows) => rows.map((row) => toRecipient(ctx.origin, row)));
  }

  /** Create for each post, Announce for each boost, as `/posts/<id>/activity` serves them. */
  private async outboxItems(origin: string, account: AccountEntity, rows: PostEntity[]): Promise<Activity[]> {
    const loaded = new Map(
      (await this.posts.loadMany(rows.filter((post) => !post.boostOfId))).map((data) => [data.post.id, data]),
    );
    const originals = await this.collections.boosted(rows.flatMap((post) => (post.boostOfId ? [post.boostOfId] : [])));
    return rows.flatMap((post): Activity[] => {
      if (post.boostOfId) {
        const original = originals.get(post.boostOfId);
        const announce = original ? toAnnounce(origin, account.username, post, original) : null;
        return announce ? [announce] : [];
      }
      const data = loaded.get(post.id);
      return data ? [toCreate(origin, account.username, toPostObject(origin, data, this.media), post)] : [];
    });
  }

  /** A local post (not a boost) the reader may see, by the content lib's visibility rule. */
  private async visibleLocalPost(id: string, readerId: string | null): Promise<PostEntity | null> {
    if (!UUID.test(id)) return null;
    const post = await this.visible.findVisible(id.toLowerCase(), readerId);
    return post?.local && !post.boostOfId ? post : null;
  }
}
