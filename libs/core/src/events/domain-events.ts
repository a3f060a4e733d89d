/**
 * Domain events: what happened, as plain ids, written in the transaction that made the change
 * (the outbox, docs/adr/0016). Libs talk through these instead of importing each other: content
 * publishes PostPublished, social turns it into notifications, federation delivers it, the
 * cooperative records a contribution.
 */
export const DomainEvent = {
  PostPublished: 'post.published',
  PostUpdated: 'post.updated',
  PostDeleted: 'post.deleted',
  PostLiked: 'post.liked',
  PostUnliked: 'post.unliked',
  PostBoosted: 'post.boosted',
  PostUnboosted: 'post.unboosted',
  Followed: 'account.followed',
  FollowRequested: 'account.follow-requested',
  FollowAccepted: 'account.follow-accepted',
  FollowRejected: 'account.follow-rejected',
  Unfollowed: 'account.unfollowed',
  Blocked: 'account.blocked',
  Unblocked: 'account.unblocked',
  ProfileUpdated: 'account.profile-updated',
  ReportUpheld: 'moderation.report-upheld',
  NotificationCreated: 'notification.created',
} as const;

export type DomainEventName = (typeof DomainEvent)[keyof typeof DomainEvent];

export interface PostPublishedEvent {
  postId: string;
  authorId: string;
  visibility: 'public' | 'unlisted' | 'followers' | 'direct';
  inReplyToId: string | null;
  inReplyToAuthorId: string | null;
  mentionedAccountIds: string[];
  isArticle: boolean;
  /**
   * Written on this server: only local posts are federated out. The federation fields below are
   * optional so publishers of remote activity can leave them out; absent means "not local".
   */
  local?: boolean;
}

export interface PostUpdatedEvent {
  postId: string;
  authorId: string;
  newlyMentionedAccountIds: string[];
  local?: boolean;
}

export interface PostDeletedEvent {
  postId: string;
  authorId: string;
  /** When the post was published: a delete in the same cooperative period reverses its contribution. */
  publishedAt: string;
  /** What federation needs to reach the post's audience once its content is erased. */
  local?: boolean;
  /** Set when the deleted post was a boost (federation sends Undo(Announce)). */
  boostOfId?: string | null;
  visibility?: 'public' | 'unlisted' | 'followers' | 'direct';
  inReplyToAuthorId?: string | null;
  mentionedAccountIds?: string[];
}

export interface PostEngagementEvent {
  /** The like's or the boost's own id. */
  engagementId: string;
  postId: string;
  postAuthorId: string;
  accountId: string;
  /** Whether the acting account and the post are local (federation sends only local actions). */
  accountLocal?: boolean;
  postLocal?: boolean;
}

export interface FollowEvent {
  followId: string;
  followerId: string;
  followeeId: string;
  followerLocal?: boolean;
  followeeLocal?: boolean;
  /** The remote Follow activity's id (a remote follower's follow), else null. */
  uri?: string | null;
}

export interface BlockEvent {
  /** The block row's id (added or removed): federation's Block activity id derives from it. */
  blockId?: string;
  accountId: string;
  targetId: string;
  accountLocal?: boolean;
  targetLocal?: boolean;
}

export interface ProfileUpdatedEvent {
  accountId: string;
  local?: boolean;
}

/** A moderator upheld a report (resolved it by acting on it): the cooperative's MODERATED. */
export interface ReportUpheldEvent {
  reportId: string;
  moderatorAccountId: string;
}

/**
 * A notification was stored for a local account (written with it): Web Push delivers it to the
 * recipient's apps. `type` is social's notification type (follow, like, mention…).
 */
export interface NotificationCreatedEvent {
  notificationId: string;
  accountId: string;
  type: string;
  fromAccountId: string;
  postId: string | null;
}

/** Which payload goes with which event name. */
export interface DomainEventPayloads {
  'post.published': PostPublishedEvent;
  'post.updated': PostUpdatedEvent;
  'post.deleted': PostDeletedEvent;
  'post.liked': PostEngagementEvent;
  'post.unliked': PostEngagementEvent;
  'post.boosted': PostEngagementEvent;
  'post.unboosted': PostEngagementEvent;
  'account.followed': FollowEvent;
  'account.follow-requested': FollowEvent;
  'account.follow-accepted': FollowEvent;
  'account.follow-rejected': FollowEvent;
  'account.unfollowed': FollowEvent;
  'account.blocked': BlockEvent;
  'account.unblocked': BlockEvent;
  'account.profile-updated': ProfileUpdatedEvent;
  'moderation.report-upheld': ReportUpheldEvent;
  'notification.created': NotificationCreatedEvent;
}
