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
  PollVoted: 'poll.voted',
  PollExpired: 'poll.expired',
  Followed: 'account.followed',
  FollowRequested: 'account.follow-requested',
  FollowAccepted: 'account.follow-accepted',
  FollowRejected: 'account.follow-rejected',
  Unfollowed: 'account.unfollowed',
  Blocked: 'account.blocked',
  Unblocked: 'account.unblocked',
  ProfileUpdated: 'account.profile-updated',
  AccountCreated: 'account.created',
  ReportFiled: 'moderation.report-filed',
  ReportUpheld: 'moderation.report-upheld',
  ReportForwarded: 'moderation.report-forwarded',
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
  /** Local accounts that boosted the post when it was edited: they hear of the edit (Mastodon's `update`). */
  localBoosterIds?: string[];
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

/** Votes were cast in a poll: by a local account (any poll) or by a remote one (a local poll). */
export interface PollVotedEvent {
  pollId: string;
  /** The poll's post. */
  postId: string;
  postAuthorId: string;
  /** The voter. */
  accountId: string;
  /** The vote rows cast (one per option chosen). */
  voteIds: string[];
  /** The voter is local: its votes on a remote poll go to the poll's author. */
  accountLocal: boolean;
  /** The poll is local: its new tallies go to its audience (unless hidden until it ends). */
  postLocal: boolean;
  hideTotals: boolean;
}

/** A poll ended (the expiry sweep saw it): its local voters, and its author if local, hear of it. */
export interface PollExpiredEvent {
  pollId: string;
  postId: string;
  authorId: string;
  /** The poll is local: its final tallies go to its audience (an Update with `closed`). */
  postLocal: boolean;
  /** Local accounts that voted. */
  localVoterIds: string[];
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

/** A local account was created (sign-up, the Mastodon API's registration, the CLI): staff hear of it. */
export interface AccountCreatedEvent {
  accountId: string;
}

/** A report was filed (by a member, or a remote server's Flag with a known reporter): staff hear of it. */
export interface ReportFiledEvent {
  reportId: string;
  reporterId: string;
  targetAccountId: string;
}

/** A moderator upheld a report (resolved it by acting on it): the cooperative's MODERATED. */
export interface ReportUpheldEvent {
  reportId: string;
  moderatorAccountId: string;
}

/**
 * A member's report about a remote account is to be forwarded to its server (Mastodon's
 * `forward=true`): federation sends a Flag from the instance actor.
 */
export interface ReportForwardedEvent {
  reportId: string;
  targetAccountId: string;
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
  'poll.voted': PollVotedEvent;
  'poll.expired': PollExpiredEvent;
  'account.followed': FollowEvent;
  'account.follow-requested': FollowEvent;
  'account.follow-accepted': FollowEvent;
  'account.follow-rejected': FollowEvent;
  'account.unfollowed': FollowEvent;
  'account.blocked': BlockEvent;
  'account.unblocked': BlockEvent;
  'account.profile-updated': ProfileUpdatedEvent;
  'account.created': AccountCreatedEvent;
  'moderation.report-filed': ReportFiledEvent;
  'moderation.report-upheld': ReportUpheldEvent;
  'moderation.report-forwarded': ReportForwardedEvent;
  'notification.created': NotificationCreatedEvent;
}
