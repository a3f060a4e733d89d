import type { AccountEntity } from '@guildhall/identity';
import type { MediaAttachmentEntity } from '../media/media-attachment.entity';
import type { PostEntity } from '../posts/post.entity';

/**
 * What a Mastodon status shows beyond the post row, for the post it renders (a boost's original,
 * or the post itself): its hashtags, mentioned accounts and the viewer's like, boost, bookmark.
 */
export interface StatusExtras {
  /** The id these describe: `boostOfId ?? id`. */
  postId: string;
  tags: string[];
  mentionIds: string[];
  liked: boolean;
  boosted: boolean;
  bookmarked: boolean;
  pinned: boolean;
  /** The post has a poll (read through POLL_BY_POST_ID, which knows the viewer's votes). */
  hasPoll: boolean;
  /**
   * The viewer muted some conversation: whether this post is in one takes a walk up its reply
   * chain (VIEWER_HAS_MUTED). When false, no post of the page is muted.
   */
  viewerMutesConversations: boolean;
  /**
   * The viewer has some filter (in any context, expired or not). When false, no filter can
   * match a status of the page, and the viewer's filters need not be loaded.
   */
  viewerHasFilters: boolean;
}

/**
 * A boost's original as a `withExtras` HOME or list page reads it, in the boost's row: visible to
 * the viewer (the page's rule checked it), with its author and media (in order).
 */
export interface TimelineOriginal {
  post: PostEntity;
  account: AccountEntity;
  media: MediaAttachmentEntity[];
}

/** A timeline row: the post with its author and its media (in order), in one statement. */
export type TimelinePost = PostEntity & {
  media: MediaAttachmentEntity[];
  extras?: StatusExtras;
  original?: TimelineOriginal;
};

/**
 * Who reads and which page. `afterId` pages to older posts (GraphQL's cursor, Mastodon's
 * `max_id`); `sinceId` keeps only posts newer than it (still newest first); `minId` asks for the
 * page immediately newer than it (Mastodon's `min_id`).
 */
export interface TimelinePage {
  viewerId: string | null;
  afterId: string | null;
  sinceId?: string | null;
  minId?: string | null;
  limit: number;
  /**
   * Also read each row's StatusExtras in the same statement (the Mastodon API renders them for
   * every status; a round trip per kind costs more than these index probes).
   */
  withExtras?: boolean;
}

/** Narrowing of the public and hashtag timelines (Mastodon's `local`, `remote`, `only_media`). */
export interface TimelineFilter {
  origin?: 'local' | 'remote' | 'all';
  onlyMedia?: boolean;
}

/** A hashtag timeline's tags: `tag` or any of `any`, all of `all`, none of `none` (lowercase, no "#"). */
export interface HashtagQuery {
  tag: string;
  any?: string[];
  all?: string[];
  none?: string[];
}

/** Mastodon's filters of an account's posts (`GET /api/v1/accounts/:id/statuses`). */
export interface AccountTimelineFilter {
  /** Leaves out replies to others (a reply to oneself, a thread, stays), as Mastodon does. */
  excludeReplies?: boolean;
  excludeReblogs?: boolean;
  /** Only posts with media (boosts are left out). */
  onlyMedia?: boolean;
  /** Only posts with this hashtag (lower case, without "#"). */
  tagged?: string | null;
}
