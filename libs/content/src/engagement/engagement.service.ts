import { Injectable, Logger } from '@nestjs/common';
import { DomainEvent, DomainEventBus, RateLimiterService, uuidv7 } from '@guildhall/core';
import type { AuthContext } from '@guildhall/identity';
import type { EntityManager } from 'typeorm';
import { ContentErrorCode, ContentException } from '../content.exception';
import { type PostEntity, Visibility } from '../posts/post.entity';
import { PostRepository } from '../posts/post.repository';
import {
  type BookmarkedPost,
  type Counter,
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

/**
 * Likes, boosts and bookmarks of posts the viewer may see. Every write is idempotent: the row
 * insert or delete says whether anything changed, and only then do the counter and the event
 * follow. Acting on a boost acts on the boosted post.
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
    return this.change(auth, id, DomainEvent.PostLiked, 'likes_count', (manager, post) =>
      this.engagement.insertLike(manager, uuidv7(), auth.accountId, post.id),
    );
  }

  unlike(auth: AuthContext, id: string): Promise<PostEntity> {
    return this.change(auth, id, DomainEvent.PostUnliked, 'likes_count', (manager, post) =>
      this.engagement.deleteLike(manager, auth.accountId, post.id),
    );
  }

  /** Boosts the post (or the post a boost boosts); returns the original with its new count. */
  boost(auth: AuthContext, id: string): Promise<PostEntity> {
    return this.change(
      auth,
      id,
      DomainEvent.PostBoosted,
      'boosts_count',
      (manager, post) =>
        this.engagement.insertBoost(manager, {
          id: uuidv7(),
          accountId: auth.accountId,
          boostOfId: post.id,
          visibility: post.visibility,
        }),
      (post) => {
        if (!BOOSTABLE.has(post.visibility)) {
          throw new ContentException(ContentErrorCode.CannotBoost, 'Only public and unlisted posts can be boosted');
        }
      },
    );
  }

  /** The viewer's live boost of a post (the boost row, not the original), if any. */
  liveBoost(auth: AuthContext, originalId: string): Promise<PostEntity | null> {
    return this.engagement.findLiveBoost(auth.accountId, originalId);
  }

  unboost(auth: AuthContext, id: string): Promise<PostEntity> {
    return this.change(auth, id, DomainEvent.PostUnboosted, 'boosts_count', (manager, post) =>
      this.engagement.tombstoneBoost(manager, auth.accountId, post.id),
    );
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
   * Who liked (`likes`) or boosted (`boosts`) a post `viewerId` may see (the original of a boost),
   * newest first; NOT_FOUND when the viewer may not see it.
   */
  async engagers(viewerId: string | null, id: string, kind: 'likes' | 'boosts', window: IdWindow): Promise<Engager[]> {
    let post = await this.posts.findVisible(id, viewerId);
    if (post?.boostOfId) post = await this.posts.findVisible(post.boostOfId, viewerId);
    if (!post) throw new ContentException(ContentErrorCode.PostNotFound, 'No such post');
    return this.engagement.findEngagers(kind, post.id, window);
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
   * event only if it changed (the event is written in the same transaction). Returns the post as it is now.
   */
  private async change(
    auth: AuthContext,
    id: string,
    event: EngagementEventName,
    counter: Counter,
    write: (manager: EntityManager, post: PostEntity) => Promise<string | null>,
    check: (post: PostEntity) => void = () => undefined,
  ): Promise<PostEntity> {
    const post = await this.target(auth, id);
    check(post);
    await this.engagement.transaction(async (manager) => {
      if (!(await this.engagement.lockLivePost(manager, post.id))) {
        throw new ContentException(ContentErrorCode.PostNotFound, 'No such post');
      }
      const engagementId = await write(manager, post);
      if (!engagementId) return;
      await this.engagement.adjustCount(manager, post.id, counter, DELTAS[event]);
      this.logger.debug({ msg: event, postId: post.id, accountId: auth.accountId, engagementId });
      await this.events.publish(manager, event, {
        engagementId,
        postId: post.id,
        postAuthorId: post.accountId,
        accountId: auth.accountId,
        // The viewer is always a local account; the post may be remote.
        accountLocal: true,
        postLocal: post.local,
      });
    });
    return (await this.posts.findById(post.id)) ?? post;
  }
}

const DELTAS: Record<EngagementEventName, 1 | -1> = {
  [DomainEvent.PostLiked]: 1,
  [DomainEvent.PostUnliked]: -1,
  [DomainEvent.PostBoosted]: 1,
  [DomainEvent.PostUnboosted]: -1,
};
