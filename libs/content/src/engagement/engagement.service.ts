import { Injectable, Logger } from '@nestjs/common';
import { DomainEvent, DomainEventBus, RateLimiterService, uuidv7 } from '@guildhall/core';
import { activityUriOf, localActor, type Actor, type AuthContext } from '@guildhall/identity';
import type { EntityManager } from 'typeorm';
import { ContentErrorCode, ContentException } from '../content.exception';
import { type PostEntity, Visibility } from '../posts/post.entity';
import { PostRepository } from '../posts/post.repository';
import { type BookmarkedPost, type Counter, EngagementRepository } from './engagement.repository';

/** Likes, boosts and bookmarks together: generous for people, a wall for scripts. */
const ENGAGE_LIMIT = { max: 1000, windowSeconds: 3600 };
/** Only posts everyone may see can be boosted (as in Mastodon; no self-boosts of FOLLOWERS posts either). */
const BOOSTABLE = new Set<Visibility>([Visibility.Public, Visibility.Unlisted]);

type EngagementEventName =
  | typeof DomainEvent.PostLiked
  | typeof DomainEvent.PostUnliked
  | typeof DomainEvent.PostBoosted
  | typeof DomainEvent.PostUnboosted;

const DELTAS: Record<EngagementEventName, 1 | -1> = {
  [DomainEvent.PostLiked]: 1,
  [DomainEvent.PostUnliked]: -1,
  [DomainEvent.PostBoosted]: 1,
  [DomainEvent.PostUnboosted]: -1,
};

/**
 * What a like, boost or their undoing came to: `changed` (a row, its counter and its event),
 * `unchanged` (already so: nothing written), `gone` (the post was deleted: nothing new is counted
 * on it), `not-boostable` (only public and unlisted originals can be boosted).
 */
export type EngagementOutcome = 'changed' | 'unchanged' | 'gone' | 'not-boostable';

/**
 * Likes, boosts and bookmarks. `addLike`, `removeLike`, `addBoost` and `removeBoost` are the one
 * write path for every actor (ADR 0024): a local account through GraphQL or the REST API, a remote
 * one through the inbox. Each is idempotent: the row insert or delete says whether anything
 * changed, and only then do the counter and the event follow, in the same transaction. Callers
 * pass the post acted on, resolved by the rule of their entry point (for local accounts `like`…
 * here: visible to the viewer, the original of a boost; for remote ones the inbox's checks).
 */
@Injectable()
export class EngagementService {
  private readonly logger = new Logger(EngagementService.name);

  constructor(
    private readonly engagement: EngagementRepository,
    private readonly posts: PostRepository,
    private readonly events: DomainEventBus,
    private readonly rateLimiter: RateLimiterService,
  ) {}

  like(auth: AuthContext, id: string): Promise<PostEntity> {
    return this.asViewer(auth, id, (actor, post) => this.addLike(actor, post));
  }

  unlike(auth: AuthContext, id: string): Promise<PostEntity> {
    return this.asViewer(auth, id, (actor, post) => this.removeLike(actor, post));
  }

  /** Boosts the post (or the post a boost boosts); returns the original with its new count. */
  boost(auth: AuthContext, id: string): Promise<PostEntity> {
    return this.asViewer(auth, id, (actor, post) => this.addBoost(actor, post));
  }

  unboost(auth: AuthContext, id: string): Promise<PostEntity> {
    return this.asViewer(auth, id, (actor, post) => this.removeBoost(actor, post));
  }

  /** The actor likes the post (remote: `actor.activityUri` is the Like's id). */
  async addLike(actor: Actor, post: PostEntity): Promise<EngagementOutcome> {
    const uri = activityUriOf(actor, 'like');
    return await this.change(actor, post, DomainEvent.PostLiked, 'likes_count', (manager) =>
      this.engagement.insertLike(manager, { id: uuidv7(), accountId: actor.accountId, postId: post.id, uri }),
    );
  }

  /** The actor's like of the post ends (its row goes even when the post was deleted meanwhile). */
  removeLike(actor: Actor, post: PostEntity): Promise<EngagementOutcome> {
    return this.change(actor, post, DomainEvent.PostUnliked, 'likes_count', (manager) =>
      this.engagement.deleteLike(manager, actor.accountId, post.id),
    );
  }

  /**
   * The actor boosts the post: a boost row with `visibility` (a remote Announce's addressing;
   * the post's own by default). Remote: `actor.activityUri` is the Announce's id, the boost's id.
   */
  async addBoost(actor: Actor, post: PostEntity, visibility: Visibility = post.visibility): Promise<EngagementOutcome> {
    if (!BOOSTABLE.has(post.visibility) || post.boostOfId) return 'not-boostable';
    const uri = activityUriOf(actor, 'boost');
    return await this.change(actor, post, DomainEvent.PostBoosted, 'boosts_count', (manager) =>
      this.engagement.insertBoost(manager, {
        id: uuidv7(),
        accountId: actor.accountId,
        local: actor.kind === 'local',
        boostOfId: post.id,
        visibility,
        uri,
      }),
    );
  }

  /** The actor's live boost of the post is tombstoned. */
  removeBoost(actor: Actor, post: PostEntity): Promise<EngagementOutcome> {
    return this.change(actor, post, DomainEvent.PostUnboosted, 'boosts_count', (manager) =>
      this.engagement.tombstoneBoost(manager, actor.accountId, post.id),
    );
  }

  /**
   * The post a like or a live boost with this ActivityPub id (an Undo's object) was of, when
   * `accountId` made it; null when it made none.
   */
  async engagedByUri(kind: 'like' | 'boost', uri: string, accountId: string): Promise<PostEntity | null> {
    const postId =
      kind === 'like'
        ? (await this.engagement.findLikeByUri(uri, accountId))?.postId
        : (await this.engagement.findBoostByUri(uri, accountId))?.boostOfId;
    return postId ? this.posts.findById(postId) : null;
  }

  async bookmark(auth: AuthContext, id: string): Promise<PostEntity> {
    const post = await this.target(auth, id);
    await this.engagement.transaction((manager) =>
      this.engagement.insertBookmark(manager, uuidv7(), auth.accountId, post.id),
    );
    return post;
  }

  async unbookmark(auth: AuthContext, id: string): Promise<PostEntity> {
    const post = await this.target(auth, id);
    await this.engagement.transaction((manager) => this.engagement.deleteBookmark(manager, auth.accountId, post.id));
    return post;
  }

  /** The viewer's bookmarks of posts still visible to them, newest bookmark first (`limit + 1` rows). */
  bookmarks(auth: AuthContext, afterId: string | null, limit: number): Promise<BookmarkedPost[]> {
    return this.engagement.findBookmarked(auth.accountId, afterId, limit);
  }

  /**
   * A local account's engagement: the post it sees (rate-limited), the write, and the outcomes a
   * viewer is told as errors. Returns the post as it is now.
   */
  private async asViewer(
    auth: AuthContext,
    id: string,
    write: (actor: Actor, post: PostEntity) => Promise<EngagementOutcome>,
  ): Promise<PostEntity> {
    const post = await this.target(auth, id);
    const outcome = await write(localActor(auth.accountId), post);
    if (outcome === 'gone') throw new ContentException(ContentErrorCode.PostNotFound, 'No such post');
    if (outcome === 'not-boostable') {
      throw new ContentException(ContentErrorCode.CannotBoost, 'Only public and unlisted posts can be boosted');
    }
    return (await this.posts.findById(post.id)) ?? post;
  }

  /** Rate-limits, then the post acted on: the original of a boost; NOT_FOUND unless the viewer sees it. */
  private async target(auth: AuthContext, id: string): Promise<PostEntity> {
    await this.rateLimiter.consume(
      `engage:${auth.accountId}`,
      ENGAGE_LIMIT,
      (retryAfterSeconds) =>
        new ContentException(ContentErrorCode.RateLimited, 'Too many likes, boosts or bookmarks; try again later', {
          retryAfterSeconds,
        }),
    );
    let post = await this.posts.findVisible(id, auth.accountId);
    if (post?.boostOfId) post = await this.posts.findVisible(post.boostOfId, auth.accountId);
    if (!post) throw new ContentException(ContentErrorCode.PostNotFound, 'No such post');
    return post;
  }

  /**
   * One counted change in one transaction: lock the post, write the row (`write` returns the id of
   * the row inserted or removed, null when nothing changed), move the counter and publish the
   * event only if it changed (the event is written in the same transaction). A deleted post takes
   * no new like or boost; removing one from it removes the row and leaves its (released) counts.
   */
  private async change(
    actor: Actor,
    post: PostEntity,
    event: EngagementEventName,
    counter: Counter,
    write: (manager: EntityManager) => Promise<string | null>,
  ): Promise<EngagementOutcome> {
    return this.engagement.transaction(async (manager) => {
      const live = await this.engagement.lockLivePost(manager, post.id);
      if (!live && DELTAS[event] === 1) return 'gone';
      const engagementId = await write(manager);
      if (!engagementId) return live ? 'unchanged' : 'gone';
      if (live) await this.engagement.adjustCount(manager, post.id, counter, DELTAS[event]);
      this.logger.debug({ msg: event, postId: post.id, accountId: actor.accountId, engagementId });
      await this.events.publish(manager, event, {
        engagementId,
        postId: post.id,
        postAuthorId: post.accountId,
        accountId: actor.accountId,
        accountLocal: actor.kind === 'local',
        postLocal: post.local,
      });
      return 'changed';
    });
  }
}
