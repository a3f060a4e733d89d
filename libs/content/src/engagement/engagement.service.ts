import { Injectable, Logger } from '@nestjs/common';
import { DomainEvent, DomainEventBus, type PublishedEvent, RateLimiterService, uuidv7 } from '@guildhall/core';
import { activityUriOf, localActor, type Actor, type AuthContext } from '@guildhall/identity';
import type { EntityManager } from 'typeorm';
import { ContentErrorCode, ContentException } from '../content.exception';
import { type PostEntity, Visibility } from '../posts/post.entity';
import { PostRepository } from '../posts/post.repository';
import { BookmarkRepository } from './bookmark.repository';
import {
  type BookmarkedPost,
  type Counter,
  type EngagedPage,
  type Engager,
  EngagementRepository,
  type IdWindow,
} from './engagement.repository';

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

const BATCH_EVENTS = {
  like: DomainEvent.PostLiked,
  unlike: DomainEvent.PostUnliked,
  boost: DomainEvent.PostBoosted,
  unboost: DomainEvent.PostUnboosted,
} as const satisfies Record<string, EngagementEventName>;

/**
 * One remote account's like, boost, or undoing of one (by the undone activity's id, `uri`), of
 * the post `postId` — for likes and boosts, one the inbox found visible to the account.
 */
export type RemoteEngagement =
  | { kind: 'like' | 'unlike' | 'unboost'; accountId: string; postId: string; uri: string }
  | {
      kind: 'boost';
      accountId: string;
      postId: string;
      uri: string;
      visibility: Visibility;
      postVisibility: Visibility;
      postIsBoost: boolean;
    };

/** `changed` and `unchanged` as EngagementOutcome; `undecided`: left to the single-item path. */
export type BatchOutcome = 'changed' | 'unchanged' | 'undecided';

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
    private readonly bookmarks: BookmarkRepository,
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

  /** The viewer's live boost of a post (the boost row, not the original), if any. */
  liveBoost(auth: AuthContext, originalId: string): Promise<PostEntity | null> {
    return this.engagement.findLiveBoost(auth.accountId, originalId);
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
   * Many remote likes, boosts and their undoing in ONE transaction (the inbox's batches, ADR
   * 0057), each with the outcome `addLike`, `addBoost`, `removeLike` or `removeBoost` would give
   * it alone: the posts locked once (in id order), rows inserted or removed in one statement per
   * kind, each post's counters moved once by the sum, and one event per change (publishMany).
   * An item this cannot decide as its single-item path would — a like or boost of a post deleted
   * meanwhile or not boostable, an undo that matches no row by its id — is `undecided`: nothing
   * of it is written, and the caller takes it through the single-item path. Items must not share
   * an (account, post) pair or an ActivityPub id: the caller keeps those for after the commit, in
   * order. `inTransaction` runs last, in the same transaction, with the outcomes.
   */
  async applyRemoteBatch(
    items: readonly RemoteEngagement[],
    inTransaction: (manager: EntityManager, outcomes: BatchOutcome[]) => Promise<void>,
  ): Promise<BatchOutcome[]> {
    return this.engagement.transaction(async (manager) => {
      const posts = await this.engagement.lockPosts(
        manager,
        items.map((item) => item.postId),
      );
      const outcomes: BatchOutcome[] = items.map((item) => {
        const post = posts.get(item.postId);
        if (!post) return 'undecided';
        if ((item.kind === 'like' || item.kind === 'boost') && !post.live) return 'undecided';
        if (item.kind === 'boost' && (!BOOSTABLE.has(item.postVisibility) || item.postIsBoost)) return 'undecided';
        return 'unchanged';
      });
      const open = (kind: RemoteEngagement['kind']) =>
        items.filter((item, i) => item.kind === kind && outcomes[i] !== 'undecided');
      const liked = await this.engagement.insertLikes(
        manager,
        open('like').map((item) => ({ id: uuidv7(), accountId: item.accountId, postId: item.postId, uri: item.uri })),
      );
      const boosted = await this.engagement.insertRemoteBoosts(
        manager,
        open('boost').map((item) => ({
          id: uuidv7(),
          accountId: item.accountId,
          boostOfId: item.postId,
          visibility: item.kind === 'boost' ? item.visibility : Visibility.Public,
          uri: item.uri,
        })),
      );
      const unliked = await this.engagement.deleteLikesByUri(manager, open('unlike'));
      const unboosted = await this.engagement.tombstoneBoostsByUri(manager, open('unboost'));
      const written = { like: liked, boost: boosted, unlike: unliked, unboost: unboosted };
      const deltas = new Map<string, { postId: string; likes: number; boosts: number }>();
      const events: PublishedEvent[] = [];
      items.forEach((item, i) => {
        if (outcomes[i] === 'undecided') return;
        const engagementId = written[item.kind].get(item.uri);
        if (!engagementId) {
          // An undo whose row is not there by its id: the single-item path looks further.
          if (item.kind === 'unlike' || item.kind === 'unboost') outcomes[i] = 'undecided';
          return;
        }
        outcomes[i] = 'changed';
        const post = posts.get(item.postId)!;
        const name = BATCH_EVENTS[item.kind];
        if (post.live) {
          const delta = deltas.get(item.postId) ?? { postId: item.postId, likes: 0, boosts: 0 };
          if (item.kind === 'like' || item.kind === 'unlike') delta.likes += DELTAS[name];
          else delta.boosts += DELTAS[name];
          deltas.set(item.postId, delta);
        }
        events.push({
          name,
          payload: {
            engagementId,
            postId: item.postId,
            postAuthorId: post.accountId,
            accountId: item.accountId,
            accountLocal: false,
            postLocal: post.local,
          },
        });
      });
      await this.engagement.adjustCounts(manager, [...deltas.values()]);
      await this.events.publishMany(manager, events);
      await inTransaction(manager, outcomes);
      return outcomes;
    });
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
    await this.bookmarks.insert(uuidv7(), auth.accountId, post.id);
    return post;
  }

  async unbookmark(auth: AuthContext, id: string): Promise<PostEntity> {
    const post = await this.target(auth, id);
    await this.bookmarks.delete(auth.accountId, post.id);
    return post;
  }

  /** The viewer's bookmarks of posts still visible to them, newest bookmark first (`limit + 1` rows). */
  bookmarkedPosts(auth: AuthContext, afterId: string | null, limit: number): Promise<BookmarkedPost[]> {
    return this.bookmarks.findBookmarked(auth.accountId, afterId, limit);
  }

  /** A page of the viewer's bookmarks (Mastodon's paging by the bookmark's id), newest first (see findEngaged). */
  bookmarkPage(auth: AuthContext, page: EngagedPage): Promise<BookmarkedPost[]> {
    return this.engagement.findEngaged('bookmarks', auth.accountId, page);
  }

  /** A page of the posts the viewer liked (paged by the like's id), newest like first. */
  likedPage(auth: AuthContext, page: EngagedPage): Promise<BookmarkedPost[]> {
    return this.engagement.findEngaged('likes', auth.accountId, page);
  }

  /**
   * Who liked (`likes`) or boosted (`boosts`) a post `viewerId` may see (the original of a boost),
   * newest first; NOT_FOUND when the viewer may not see it.
   */
  async engagers(viewerId: string | null, id: string, kind: 'likes' | 'boosts', window: IdWindow): Promise<Engager[]> {
    let post = await this.posts.findVisible(id, viewerId);
    if (post?.boostOfId) post = await this.posts.findVisible(post.boostOfId, viewerId);
    if (!post) throw new ContentException(ContentErrorCode.PostNotFound, 'No such post');
    return this.engagement.findEngagers(kind, post.id, window);
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
    // `change` left the post with its counts as the transaction saw them: no read after it.
    return post;
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
   * `post` takes the counts the transaction saw (the lock's, then the moved counter's): what the
   * caller answers with, without reading the post again.
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
      if (live) Object.assign(post, live);
      const engagementId = await write(manager);
      if (!engagementId) return live ? 'unchanged' : 'gone';
      if (live) Object.assign(post, await this.engagement.adjustCount(manager, post.id, counter, DELTAS[event]));
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
