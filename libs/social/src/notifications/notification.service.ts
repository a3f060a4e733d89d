import type { EntityManager } from 'typeorm';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  DomainEvent,
  DomainEventBus,
  EventSubscriber,
  uuidv7,
  type AccountCreatedEvent,
  type EventMeta,
  type FollowEvent,
  type PollExpiredEvent,
  type PostEngagementEvent,
  type PostPublishedEvent,
  type PostUpdatedEvent,
  type ReportFiledEvent,
  type SubscribedDelivery,
} from '@guildhall/core';
import { StaffAuthority } from '@guildhall/identity';
import DataLoader from 'dataloader';
import { PubSubEngine } from 'graphql-subscriptions';
import { NotificationType, type NotificationEntity } from './notification.entity';
import { notificationChannel, toNotificationMessage } from './notification.mapper';
import { NotificationRepository, type NewNotification } from './notification.repository';

/** One notify call: who hears what, before the rules (own action, blocks, mutes, silencers) apply. */
interface NotifyIntent {
  type: NotificationType;
  fromAccountId: string;
  recipientIds: string[];
  postId: string | null;
  options?: { includeActor?: boolean; occasion?: string; reportId?: string };
}

/** Where a handler sends its notify calls: stored at once (one delivery), or gathered (a batch). */
type Notify = (intent: NotifyIntent) => Promise<void>;

/** Which recipients an actor may reach (findReachable): asked per call, or for a whole batch at once. */
type Reach = (actorId: string, candidates: string[]) => Promise<string[]>;
/** Those of `candidates` a silencer names for `postId`. */
type Silence = (postId: string | null, candidates: string[]) => Promise<Set<string>>;

type NotificationDelivery = SubscribedDelivery<typeof EventSubscriber.Notifications>;

/**
 * Which of `recipientIds` want no notification about `postId` (they muted its conversation): a
 * lib above social answers (content owns conversation mutes), so social never reads its tables.
 */
export type NotificationSilencer = (postId: string, recipientIds: string[]) => Promise<Set<string>>;

/**
 * Turns domain events into notifications for local recipients (NotificationInbox serves them).
 * Never about one's own action, never from an account the recipient blocks or mutes, never about
 * a post in a conversation the recipient muted (the registered silencers), and once
 * per (type, actor, post): liking, unliking and liking again notifies once. That dedupe key
 * (unique per recipient) also makes a re-delivery of an outbox event (ADR 0016) notify nobody twice;
 * a failure to store throws, and the delivery is retried.
 */
@Injectable()
export class NotificationService implements OnModuleInit {
  private readonly logger = new Logger(NotificationService.name);
  private readonly silencers: NotificationSilencer[] = [];

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly pubSub: PubSubEngine,
    private readonly bus: DomainEventBus,
    private readonly staff: StaffAuthority,
  ) {}

  onModuleInit(): void {
    this.bus.subscribe(
      EventSubscriber.Notifications,
      {
        [DomainEvent.Followed]: (event) => this.onFollowed(event),
        [DomainEvent.FollowRequested]: (event) => this.onFollowRequested(event),
        [DomainEvent.PostPublished]: (event) => this.onPostPublished(event),
        [DomainEvent.PostUpdated]: (event, meta) => this.onPostUpdated(event, meta),
        [DomainEvent.PostLiked]: (event) => this.onPostLiked(event),
        [DomainEvent.PostBoosted]: (event) => this.onPostBoosted(event),
        [DomainEvent.PollExpired]: (event) => this.onPollExpired(event),
        [DomainEvent.AccountCreated]: (event) => this.onAccountCreated(event),
        [DomainEvent.ReportFiled]: (event) => this.onReportFiled(event),
      },
      { handleMany: (deliveries) => this.notifyMany(deliveries) },
    );
  }

  /**
   * Several deliveries at once (docs/adr/0058): each handler decides as it would alone, the
   * block/mute checks of the whole batch are one query, and every notification (with its
   * NotificationCreated event) is stored in one transaction and one INSERT.
   */
  async notifyMany(deliveries: NotificationDelivery[]): Promise<void> {
    const reachable = new DataLoader<{ actorId: string; accountId: string }, boolean, string>(
      (pairs) => this.notifications.reachablePairs(pairs),
      { cacheKeyFn: (pair) => `${pair.actorId}:${pair.accountId}` },
    );
    const reach: Reach = async (actorId, candidates) => {
      const answers = await Promise.all(candidates.map((accountId) => reachable.load({ actorId, accountId })));
      return candidates.filter((_, i) => answers[i]);
    };
    // The silencers asked once per post of the batch, not once per notification (a batch of
    // inbound Likes of one post asked the muted conversations 128 times, ADR 0063).
    const silencedPairs = new DataLoader<{ postId: string; accountId: string }, boolean, string>(
      async (pairs) => {
        const byPost = new Map<string, Set<string>>();
        for (const { postId, accountId } of pairs) byPost.set(postId, (byPost.get(postId) ?? new Set()).add(accountId));
        const silenced = new Map<string, Set<string>>();
        await Promise.all(
          [...byPost].map(async ([postId, ids]) => silenced.set(postId, await this.silenced(postId, [...ids]))),
        );
        return pairs.map(({ postId, accountId }) => silenced.get(postId)!.has(accountId));
      },
      { cacheKeyFn: (pair) => `${pair.postId}:${pair.accountId}` },
    );
    const silence: Silence = async (postId, candidates) => {
      if (!postId) return new Set();
      const answers = await Promise.all(candidates.map((accountId) => silencedPairs.load({ postId, accountId })));
      return new Set(candidates.filter((_, i) => answers[i]));
    };
    // Side by side (so the look-ups batch), each delivery's notifications in its own order.
    const rows = await Promise.all(
      deliveries.map(async (delivery) => {
        const resolved: Promise<NewNotification[]>[] = [];
        await this.handle(delivery, (intent) => {
          resolved.push(this.resolve(intent, reach, silence));
          return Promise.resolve();
        });
        return (await Promise.all(resolved)).flat();
      }),
    );
    await this.store(rows.flat());
  }

  private handle(delivery: NotificationDelivery, notify: Notify): Promise<void> {
    const meta = delivery.meta;
    switch (delivery.name) {
      case DomainEvent.Followed:
        return this.onFollowed(delivery.payload, notify);
      case DomainEvent.FollowRequested:
        return this.onFollowRequested(delivery.payload, notify);
      case DomainEvent.PostPublished:
        return this.onPostPublished(delivery.payload, notify);
      case DomainEvent.PostUpdated:
        return this.onPostUpdated(delivery.payload, meta, notify);
      case DomainEvent.PostLiked:
        return this.onPostLiked(delivery.payload, notify);
      case DomainEvent.PostBoosted:
        return this.onPostBoosted(delivery.payload, notify);
      case DomainEvent.PollExpired:
        return this.onPollExpired(delivery.payload, notify);
      case DomainEvent.AccountCreated:
        return this.onAccountCreated(delivery.payload, notify);
      case DomainEvent.ReportFiled:
        return this.onReportFiled(delivery.payload, notify);
    }
  }

  /** Adds a silencer (the content lib's muted conversations), asked about every notification of a post. */
  silenceWith(silencer: NotificationSilencer): void {
    this.silencers.push(silencer);
  }

  /** In the caller's transaction: the notifications about these posts go (a domain purge deletes them). */
  forgetPosts(manager: EntityManager, postIds: readonly string[]): Promise<void> {
    return this.notifications.deleteAboutPosts(manager, postIds);
  }

  onFollowed(event: FollowEvent, notify: Notify = this.notifyNow): Promise<void> {
    return notify({
      type: NotificationType.Follow,
      fromAccountId: event.followerId,
      recipientIds: [event.followeeId],
      postId: null,
    });
  }

  onFollowRequested(event: FollowEvent, notify: Notify = this.notifyNow): Promise<void> {
    return notify({
      type: NotificationType.FollowRequest,
      fromAccountId: event.followerId,
      recipientIds: [event.followeeId],
      postId: null,
    });
  }

  /**
   * The author replied to gets `reply` only, even when also mentioned. Followers whose follow
   * has `notify` get `status` for a post that reaches their home (Mastodon's FeedInsertWorker):
   * not a direct post, not a reply to someone else.
   */
  async onPostPublished(event: PostPublishedEvent, notify: Notify = this.notifyNow): Promise<void> {
    const about = { fromAccountId: event.authorId, postId: event.postId };
    const replyTo = event.inReplyToAuthorId;
    if (replyTo) await notify({ type: NotificationType.Reply, recipientIds: [replyTo], ...about });
    const mentioned = event.mentionedAccountIds.filter((id) => id !== replyTo);
    await notify({ type: NotificationType.Mention, recipientIds: mentioned, ...about });
    const toHome = event.visibility !== 'direct' && (replyTo === null || replyTo === event.authorId);
    if (toHome) {
      const followers = await this.notifications.notifiedFollowerIds(event.authorId);
      await notify({ type: NotificationType.Status, recipientIds: followers, ...about });
    }
  }

  /**
   * Accounts an edit mentions for the first time (the dedupe key spares those already told), and
   * the local accounts that boosted the post (Mastodon's `update`): each edit is news, so the
   * edit's event id is in their dedupe key (a re-delivered event still notifies once).
   */
  async onPostUpdated(event: PostUpdatedEvent, meta?: EventMeta, notify: Notify = this.notifyNow): Promise<void> {
    const about = { fromAccountId: event.authorId, postId: event.postId };
    await notify({ type: NotificationType.Mention, recipientIds: event.newlyMentionedAccountIds, ...about });
    const boosters = event.localBoosterIds ?? [];
    if (boosters.length && meta) {
      await notify({ type: NotificationType.Update, recipientIds: boosters, ...about, options: { occasion: meta.id } });
    }
  }

  /** Staff (moderators and admins) hear of each new local account (Mastodon's `admin.sign_up`). */
  async onAccountCreated(event: AccountCreatedEvent, notify: Notify = this.notifyNow): Promise<void> {
    const staff = await this.staff.staffAccountIds();
    await notify({
      type: NotificationType.AdminSignUp,
      fromAccountId: event.accountId,
      recipientIds: staff,
      postId: null,
    });
  }

  /** Staff hear of each new report, from its reporter (Mastodon's `admin.report`). */
  async onReportFiled(event: ReportFiledEvent, notify: Notify = this.notifyNow): Promise<void> {
    const staff = await this.staff.staffAccountIds();
    await notify({
      type: NotificationType.AdminReport,
      fromAccountId: event.reporterId,
      recipientIds: staff,
      postId: null,
      options: { reportId: event.reportId },
    });
  }

  onPostLiked(event: PostEngagementEvent, notify: Notify = this.notifyNow): Promise<void> {
    const about = { fromAccountId: event.accountId, recipientIds: [event.postAuthorId], postId: event.postId };
    return notify({ type: NotificationType.Like, ...about });
  }

  onPostBoosted(event: PostEngagementEvent, notify: Notify = this.notifyNow): Promise<void> {
    const about = { fromAccountId: event.accountId, recipientIds: [event.postAuthorId], postId: event.postId };
    return notify({ type: NotificationType.Boost, ...about });
  }

  /** Mastodon's PollExpirationNotifyWorker: the local voters and the author (if local) hear of the end. */
  onPollExpired(event: PollExpiredEvent, notify: Notify = this.notifyNow): Promise<void> {
    const recipients = [...event.localVoterIds, ...(event.postLocal ? [event.authorId] : [])];
    return notify({
      type: NotificationType.Poll,
      fromAccountId: event.authorId,
      recipientIds: recipients,
      postId: event.postId,
      options: { includeActor: true },
    });
  }

  /** One delivery's notify call: its notifications stored (with their events) before the handler goes on. */
  private readonly notifyNow: Notify = async (intent) => {
    const reach: Reach = (actorId, candidates) => this.notifications.findReachable(actorId, candidates);
    await this.store(await this.resolve(intent, reach));
  };

  /** The notifications `intent` makes: never about one's own action, not to those blocked, muted or silenced. */
  private async resolve(
    intent: NotifyIntent,
    reach: Reach,
    silence: Silence = (postId, candidates) => this.silenced(postId, candidates),
  ): Promise<NewNotification[]> {
    const { type, fromAccountId, postId, options = {} } = intent;
    // Never about one's own action, except where the action is no one's (a poll's end).
    const candidates = [...new Set(intent.recipientIds)].filter((id) => options.includeActor || id !== fromAccountId);
    if (!candidates.length) return [];
    // Both questions at once: a silencer answers for any ids, so asking about every candidate is the same filter.
    const [reachable, silenced] = await Promise.all([reach(fromAccountId, candidates), silence(postId, candidates)]);
    const recipients = reachable.filter((id) => !silenced.has(id));
    if (!recipients.length) return [];
    const subject = options.reportId ?? postId ?? '';
    const dedupeKey = `${type}:${fromAccountId}:${subject}${options.occasion ? `:${options.occasion}` : ''}`;
    const reportId = options.reportId ?? null;
    return recipients.map((accountId) => ({
      id: uuidv7(),
      accountId,
      type,
      fromAccountId,
      postId,
      reportId,
      dedupeKey,
    }));
  }

  /**
   * Stores the new ones among `rows`, each with its event (Web Push to the recipient's apps), in
   * one statement: the INSERT (the dedupe key decides which are new) and the events of the rows it
   * wrote commit together without a transaction's BEGIN and COMMIT (DomainEventBus.publishWith).
   */
  private async store(rows: NewNotification[]): Promise<void> {
    if (!rows.length) return;
    const written = await this.bus.publishWith(
      this.notifications.insertNewStatement(rows),
      rows.map((row) => ({
        key: row.id,
        name: DomainEvent.NotificationCreated,
        payload: {
          notificationId: row.id,
          accountId: row.accountId,
          type: row.type,
          fromAccountId: row.fromAccountId,
          postId: row.postId,
        },
      })),
    );
    const created = written.map((row) => this.notifications.fromJson(row));
    await Promise.all(created.map((notification) => this.publish(notification)));
  }

  /** Those of `recipientIds` a silencer names for `postId`. */
  private async silenced(postId: string | null, recipientIds: string[]): Promise<Set<string>> {
    if (!postId || !recipientIds.length || !this.silencers.length) return new Set();
    const sets = await Promise.all(this.silencers.map((silencer) => silencer(postId, recipientIds)));
    return new Set(sets.flatMap((set) => [...set]));
  }

  /** Live delivery is best effort: the notification is stored whether or not it reaches a socket. */
  private async publish(notification: NotificationEntity): Promise<void> {
    try {
      await this.pubSub.publish(notificationChannel(notification.accountId), toNotificationMessage(notification));
    } catch (error) {
      this.logger.warn({ msg: 'notification not published', notificationId: notification.id, err: error });
    }
  }
}
