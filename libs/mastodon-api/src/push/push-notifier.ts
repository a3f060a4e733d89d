import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvent, DomainEventBus, EventSubscriber, type NotificationCreatedEvent } from '@guildhall/core';
import { NotificationType, SocialGraphService } from '@guildhall/social';
import type { Queue } from 'bullmq';
import { MASTODON_PUSH_QUEUE, PushJob } from './push.constants';
import { PUSH_JOB_OPTIONS, pushJobId, type PushDeliveryPayload } from './push-delivery.job';
import type { PushAlert } from './push-subscription.params';
import { PushPolicy } from './web-push-subscription.entity';
import { WebPushSubscriptionRepository } from './web-push-subscription.repository';

/** The member's action waits for inline dispatch; a stuck queue must not hold it (the delivery is retried). */
const ENQUEUE_TIMEOUT_MS = 1_500;

/** Social's notification types as Mastodon names them (a reply is a mention there). */
const MASTODON_TYPES: Record<NotificationType, PushAlert> = {
  [NotificationType.Follow]: 'follow',
  [NotificationType.FollowRequest]: 'follow_request',
  [NotificationType.Mention]: 'mention',
  [NotificationType.Reply]: 'mention',
  [NotificationType.Like]: 'favourite',
  [NotificationType.Boost]: 'reblog',
  [NotificationType.Poll]: 'poll',
  [NotificationType.Status]: 'status',
  [NotificationType.Update]: 'update',
  [NotificationType.AdminSignUp]: 'admin.sign_up',
  [NotificationType.AdminReport]: 'admin.report',
};

export function mastodonNotificationType(type: string): PushAlert | null {
  return (MASTODON_TYPES as Record<string, PushAlert | undefined>)[type] ?? null;
}

/**
 * Hears each stored notification (the outbox's `notification.created`, ADR 0016) and enqueues one
 * delivery per subscription of the recipient whose alerts and policy want it (Mastodon's
 * `Web::PushSubscription#pushable?`). A failed enqueue throws: the outbox retries, and the job id
 * keeps a re-delivered event from pushing twice.
 */
@Injectable()
export class PushNotifier implements OnModuleInit {
  constructor(
    @InjectQueue(MASTODON_PUSH_QUEUE) private readonly queue: Queue<PushDeliveryPayload>,
    private readonly bus: DomainEventBus,
    private readonly subscriptions: WebPushSubscriptionRepository,
    private readonly graph: SocialGraphService,
  ) {}

  onModuleInit(): void {
    this.bus.subscribe(
      EventSubscriber.MastodonPush,
      { [DomainEvent.NotificationCreated]: (event) => this.notificationCreated(event) },
      // A batch of inbound Likes creates a notification each: their recipients' subscriptions in
      // one query and their deliveries in one enqueue, not a query per notification (ADR 0063).
      { handleMany: (deliveries) => this.notificationsCreated(deliveries.map((delivery) => delivery.payload)) },
    );
  }

  notificationCreated(event: NotificationCreatedEvent): Promise<void> {
    return this.notificationsCreated([event]);
  }

  /** The deliveries `notificationCreated` would enqueue for each event, in one query and one enqueue. */
  async notificationsCreated(events: readonly NotificationCreatedEvent[]): Promise<void> {
    const typed = events.flatMap((event) => {
      const type = mastodonNotificationType(event.type);
      return type ? [{ event, type }] : [];
    });
    if (!typed.length) return;
    const subscriptions = await this.subscriptions.findByAccounts([
      ...new Set(typed.map(({ event }) => event.accountId)),
    ]);
    const deliveries: PushDeliveryPayload[] = [];
    for (const { event, type } of typed) {
      for (const subscription of subscriptions.get(event.accountId) ?? []) {
        if (subscription.alerts[type] === true && (await this.policyAllows(subscription.policy, event))) {
          deliveries.push({
            notificationId: event.notificationId,
            subscriptionId: subscription.id,
            type,
            accountId: event.accountId,
            fromAccountId: event.fromAccountId,
            postId: event.postId,
          });
        }
      }
    }
    if (!deliveries.length) return;
    const jobs = this.queue.addBulk(
      deliveries.map((data) => ({
        name: PushJob.Deliver,
        data,
        opts: { ...PUSH_JOB_OPTIONS, jobId: pushJobId(data) },
      })),
    );
    // Runs inline behind the member's action (the like waits for its notification): a stuck queue
    // must not hold it. A timeout fails the delivery and the outbox relay enqueues it later.
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        jobs,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`enqueue took over ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async policyAllows(policy: PushPolicy, event: NotificationCreatedEvent): Promise<boolean> {
    switch (policy) {
      case PushPolicy.All:
        return true;
      case PushPolicy.None:
        return false;
      case PushPolicy.Follower:
        return this.graph.isFollowing(event.fromAccountId, event.accountId);
      case PushPolicy.Followed:
        return this.graph.isFollowing(event.accountId, event.fromAccountId);
    }
  }
}
