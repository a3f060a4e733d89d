import { DomainEvent, type DomainEventName, type DomainEventPayloads } from './domain-events';

/**
 * What an event is about, as a key: a subscriber gets the events of one aggregate in the order
 * they were written (a post's published → deleted, a pair's follow → unfollow, like → unlike).
 * Publishers lock the aggregate's row while they write, so write order is commit order.
 */
export function aggregateOf<E extends DomainEventName>(name: E, payload: DomainEventPayloads[E]): string {
  switch (name) {
    case DomainEvent.PostPublished:
    case DomainEvent.PostUpdated:
    case DomainEvent.PostDeleted:
      return `post:${(payload as DomainEventPayloads['post.published']).postId}`;
    case DomainEvent.PostLiked:
    case DomainEvent.PostUnliked: {
      const e = payload as DomainEventPayloads['post.liked'];
      return `like:${e.accountId}:${e.postId}`;
    }
    case DomainEvent.PostBoosted:
    case DomainEvent.PostUnboosted: {
      const e = payload as DomainEventPayloads['post.boosted'];
      return `boost:${e.accountId}:${e.postId}`;
    }
    case DomainEvent.PollVoted:
    case DomainEvent.PollExpired:
      // The poll's row is locked while a vote or its end is written.
      return `poll:${(payload as DomainEventPayloads['poll.voted']).pollId}`;
    case DomainEvent.Followed:
    case DomainEvent.FollowRequested:
    case DomainEvent.FollowAccepted:
    case DomainEvent.FollowRejected:
    case DomainEvent.Unfollowed: {
      const e = payload as DomainEventPayloads['account.followed'];
      return `follow:${e.followerId}:${e.followeeId}`;
    }
    case DomainEvent.Blocked:
    case DomainEvent.Unblocked: {
      const e = payload as DomainEventPayloads['account.blocked'];
      return `block:${e.accountId}:${e.targetId}`;
    }
    case DomainEvent.ProfileUpdated:
    case DomainEvent.AccountCreated:
      return `account:${(payload as DomainEventPayloads['account.profile-updated']).accountId}`;
    case DomainEvent.ReportUpheld:
    case DomainEvent.ReportForwarded:
    case DomainEvent.ReportFiled:
      return `report:${(payload as DomainEventPayloads['moderation.report-upheld']).reportId}`;
    case DomainEvent.NotificationCreated:
      return `notification:${(payload as DomainEventPayloads['notification.created']).notificationId}`;
  }
  throw new Error(`no aggregate for domain event ${String(name)}`);
}

/**
 * Events whose aggregate holds only them (a notification's own id): no later event of theirs can
 * wait on their delivery, so inline dispatch need not wait for their done mark (docs/adr/0058).
 */
const ONE_EVENT_AGGREGATES: ReadonlySet<string> = new Set<DomainEventName>([DomainEvent.NotificationCreated]);

export function aggregateHoldsOneEvent(name: string): boolean {
  return ONE_EVENT_AGGREGATES.has(name);
}
