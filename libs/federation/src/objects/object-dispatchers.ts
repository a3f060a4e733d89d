import type { Federation, RequestContext } from '@fedify/fedify';
import { Announce, Article, Create, Follow, Note } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { MediaCapabilities, type PostEntity, PostRepository } from '@guildhall/content';
import { FetchAuthorizer } from '../actors/fetch-authorizer';
import { CollectionRepository } from '../collections/collection.repository';
import { FOLLOW_PATH, POST_ACTIVITY_PATH } from '../outbox/activity-ids';
import { toAnnounce, toCreate, toFollow } from './activity-object.mapper';
import { FollowObjectRepository } from './follow-object.repository';
import { POST_PATH, toPostObject } from './post-object.mapper';
import { PostObjectRepository } from './post-object.repository';

/** Ids in our paths are UUIDs; anything else is nothing of ours (and must not reach a uuid column). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Local posts at `/posts/{id}`, their Create (or a boost's Announce) at `/posts/{id}/activity`,
 * and our Follows at `/follows/{id}`. Deleted posts never get here: the HTTP handler answers them
 * 410 with a Tombstone (an object dispatcher cannot).
 */
@Injectable()
export class ObjectDispatchers {
  constructor(
    private readonly posts: PostObjectRepository,
    private readonly visible: PostRepository,
    private readonly follows: FollowObjectRepository,
    private readonly collections: CollectionRepository,
    private readonly fetches: FetchAuthorizer,
    private readonly media: MediaCapabilities,
  ) {}

  register(federation: Federation<void>): void {
    const authorize = this.fetches.authorize;
    // Note and Article share the path (so `ctx.getObjectUri(Article, …)` works too); the router
    // picks the first route added, so one dispatcher answers for both with whichever type it is.
    for (const type of [Note, Article]) {
      federation
        .setObjectDispatcher<Note | Article, 'id'>(type, POST_PATH, (ctx, { id }) => this.post(ctx, id))
        .authorize(authorize);
    }
    for (const type of [Create, Announce]) {
      federation
        .setObjectDispatcher<Create | Announce, 'id'>(type, POST_ACTIVITY_PATH, (ctx, { id }) => this.activity(ctx, id))
        .authorize(authorize);
    }
    // Public even in authorized-fetch mode: a peer's Accept embeds our Follow, and Fedify (ours
    // included) refetches an embedded object from another origin by its id, unsigned.
    federation.setObjectDispatcher(Follow, FOLLOW_PATH, (ctx, { id }) => this.follow(ctx.origin, id));
  }

  /**
   * A living local post (or boost) that this request's reader may see, by the content lib's
   * visibility rule (the reader: the signer of a signed fetch, else anonymous); 404 otherwise.
   */
  private async visiblePost(id: string, readerId: string | null): Promise<PostEntity | null> {
    if (!UUID.test(id)) return null;
    const post = await this.visible.findVisible(id.toLowerCase(), readerId);
    return post?.local ? post : null;
  }

  private async post(ctx: RequestContext<void>, id: string): Promise<Note | Article | null> {
    const post = await this.visiblePost(id, await this.fetches.readerId(ctx));
    if (!post || post.boostOfId) return null;
    const data = await this.posts.load(post);
    return data ? toPostObject(ctx.origin, data, this.media) : null;
  }

  private async activity(ctx: RequestContext<void>, id: string): Promise<Create | Announce | null> {
    const readerId = await this.fetches.readerId(ctx);
    const post = await this.visiblePost(id, readerId);
    if (!post) return null;
    // A boost shows only while the reader may see what it boosts (as in the timelines).
    if (post.boostOfId && !(await this.visible.findVisible(post.boostOfId, readerId))) return null;
    const data = await this.posts.load(post);
    if (!data) return null;
    if (!post.boostOfId)
      return toCreate(ctx.origin, data.author.username, toPostObject(ctx.origin, data, this.media), post);
    const original = (await this.collections.boosted([post.boostOfId])).get(post.boostOfId);
    return original ? toAnnounce(ctx.origin, data.author.username, post, original) : null;
  }

  private async follow(origin: string, id: string): Promise<Follow | null> {
    if (!UUID.test(id)) return null;
    const follow = await this.follows.findByLocalFollower(id.toLowerCase());
    if (!follow) return null;
    const followee = follow.followeeDomain === null ? `${origin}/users/${follow.followeeUsername}` : follow.followeeUri;
    return followee ? toFollow(origin, follow.id, follow.followerUsername, followee) : null;
  }
}
