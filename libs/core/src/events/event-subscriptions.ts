import { DomainEvent, type DomainEventName, type DomainEventPayloads } from './domain-events';

/** The subscribers of domain events; each has its own delivery state per event (docs/adr/0016). */
export const EventSubscriber = {
  Contributions: 'coop.contributions',
  Notifications: 'social.notifications',
  FederationBridge: 'federation.bridge',
  MastodonPush: 'mastodon.push',
  PostStream: 'content.post-stream',
} as const;

export type EventSubscriberName = (typeof EventSubscriber)[keyof typeof EventSubscriber];

/**
 * Who hears what, in one table every process shares: the publisher writes one delivery row per
 * subscriber listed here whatever libs its process loaded (the CLI has no federation bridge, yet
 * an event it publishes must still reach the bridge, through the worker).
 */
export const EVENT_SUBSCRIPTIONS = {
  [EventSubscriber.Contributions]: [
    DomainEvent.PostPublished,
    DomainEvent.PostDeleted,
    DomainEvent.PostLiked,
    DomainEvent.PostUnliked,
    DomainEvent.PostBoosted,
    DomainEvent.PostUnboosted,
    DomainEvent.ReportUpheld,
  ],
  [EventSubscriber.Notifications]: [
    DomainEvent.Followed,
    DomainEvent.FollowRequested,
    DomainEvent.PostPublished,
    DomainEvent.PostUpdated,
    DomainEvent.PostLiked,
    DomainEvent.PostBoosted,
    DomainEvent.PollExpired,
    DomainEvent.AccountCreated,
    DomainEvent.ReportFiled,
  ],
  [EventSubscriber.FederationBridge]: [
    DomainEvent.PostPublished,
    DomainEvent.PostUpdated,
    DomainEvent.PostDeleted,
    DomainEvent.PostLiked,
    DomainEvent.PostUnliked,
    DomainEvent.PostBoosted,
    DomainEvent.PostUnboosted,
    DomainEvent.PollVoted,
    DomainEvent.PollExpired,
    DomainEvent.FollowRequested,
    DomainEvent.Unfollowed,
    DomainEvent.FollowAccepted,
    DomainEvent.FollowRejected,
    DomainEvent.Blocked,
    DomainEvent.Unblocked,
    DomainEvent.ProfileUpdated,
    DomainEvent.ReportForwarded,
  ],
  // Web Push to members' Mastodon apps (libs/mastodon-api/src/push).
  [EventSubscriber.MastodonPush]: [DomainEvent.NotificationCreated],
  // Live streams (the Mastodon streaming API): every server process hears it through Redis.
  // Boosts are posts there (Mastodon's `update` with a `reblog`; an undone boost is a `delete`).
  [EventSubscriber.PostStream]: [
    DomainEvent.PostPublished,
    DomainEvent.PostUpdated,
    DomainEvent.PostDeleted,
    DomainEvent.PostBoosted,
    DomainEvent.PostUnboosted,
  ],
} as const satisfies Record<EventSubscriberName, readonly DomainEventName[]>;

/** What a handler learns besides the payload: the outbox row's id (stable across re-deliveries) and time. */
export interface EventMeta {
  id: string;
  occurredAt: Date;
}

export type EventHandler<E extends DomainEventName> = (
  payload: DomainEventPayloads[E],
  meta: EventMeta,
) => Promise<void>;

/** One handler per event the subscriber is listed for, no more, no fewer. A handler throws to be retried. */
export type SubscriberHandlers<S extends EventSubscriberName> = {
  [E in (typeof EVENT_SUBSCRIPTIONS)[S][number]]: EventHandler<E>;
};

/** One delivery handed to a subscriber's batch handler: which event, its payload and meta. */
export type SubscribedDelivery<S extends EventSubscriberName> = {
  [E in (typeof EVENT_SUBSCRIPTIONS)[S][number]]: { name: E; payload: DomainEventPayloads[E]; meta: EventMeta };
}[(typeof EVENT_SUBSCRIPTIONS)[S][number]];

/**
 * Handles several deliveries at once (docs/adr/0058): no two of them are of the same aggregate, so
 * they may be applied together in any order. It must leave exactly what the one-by-one handlers
 * would (idempotent, the same rows); it throws to have the dispatcher run them one by one instead.
 */
export type BatchHandler<S extends EventSubscriberName> = (deliveries: SubscribedDelivery<S>[]) => Promise<void>;

/** A subscriber's optional extras beside its handlers. */
export interface SubscriberOptions<S extends EventSubscriberName> {
  /** Used when two or more of its deliveries are ready together (a transaction's events, a relay's claim). */
  handleMany?: BatchHandler<S>;
}

/** The subscribers of each event name, in table order. */
export const SUBSCRIBERS_OF: ReadonlyMap<DomainEventName, readonly EventSubscriberName[]> = (() => {
  const map = new Map<DomainEventName, EventSubscriberName[]>();
  for (const [subscriber, names] of Object.entries(EVENT_SUBSCRIPTIONS) as [
    EventSubscriberName,
    readonly DomainEventName[],
  ][]) {
    for (const name of names) map.set(name, [...(map.get(name) ?? []), subscriber]);
  }
  return map;
})();
