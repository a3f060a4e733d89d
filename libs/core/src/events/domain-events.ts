/**
 * Domain events: what happened, as plain ids, published after the change committed. Libs talk
 * through these instead of importing each other: content publishes PostPublished, social turns
 * it into notifications, federation (later) delivers it, the cooperative records a contribution.
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
}

export interface PostUpdatedEvent {
  postId: string;
  authorId: string;
  newlyMentionedAccountIds: string[];
}

export interface PostDeletedEvent {
  postId: string;
  authorId: string;
  /** When the post was published: a delete in the same cooperative period reverses its contribution. */
  publishedAt: string;
}

export interface PostEngagementEvent {
  /** The like's or the boost's own id. */
  engagementId: string;
  postId: string;
  postAuthorId: string;
  accountId: string;
}

export interface FollowEvent {
  followId: string;
  followerId: string;
  followeeId: string;
}

export interface BlockEvent {
  accountId: string;
  targetId: string;
}

export interface ProfileUpdatedEvent {
  accountId: string;
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
}
