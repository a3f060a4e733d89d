import type { EntityManager } from 'typeorm';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  afterCursor,
  DomainEvent,
  DomainEventBus,
  EventSubscriber,
  toPage,
  uuidv7,
  UUID_PATTERN,
  type AccountCreatedEvent,
  type EventMeta,
  type FollowEvent,
  type Page,
  type PollExpiredEvent,
  type PostEngagementEvent,
  type PostPublishedEvent,
  type PostUpdatedEvent,
  type ReportFiledEvent,
} from '@guildhall/core';
import { StaffAuthority } from '@guildhall/identity';
import { PubSubEngine } from 'graphql-subscriptions';
import { NotificationType, type NotificationEntity } from './notification.entity';
import { NotificationErrorCode, NotificationException } from './notification.exception';
import { notificationChannel, toNotificationMessage } from './notification.mapper';
import {
  type IdBound,
  type NotificationGroupRef,
  type NotificationGroupSummary,
  type NotificationListFilter,
  NotificationRepository,
} from './notification.repository';

/**
 * Which of `recipientIds` want no notification about `postId` (they muted its conversation): a
 * lib above social answers (content owns conversation mutes), so social never reads its tables.
 */
export type NotificationSilencer = (postId: string, recipientIds: string[]) => Promise<Set<string>>;

export interface NotificationPageRequest {
  first: number;
  after?: string | null;
  unreadOnly: boolean;
}

/**
 * Turns domain events into notifications for local recipients, and serves them to their owner.
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
    this.bus.subscribe(EventSubscriber.Notifications, {
      [DomainEvent.Followed]: (event) => this.onFollowed(event),
      [DomainEvent.FollowRequested]: (event) => this.onFollowRequested(event),
      [DomainEvent.PostPublished]: (event) => this.onPostPublished(event),
      [DomainEvent.PostUpdated]: (event, meta) => this.onPostUpdated(event, meta),
      [DomainEvent.PostLiked]: (event) => this.onPostLiked(event),
      [DomainEvent.PostBoosted]: (event) => this.onPostBoosted(event),
      [DomainEvent.PollExpired]: (event) => this.onPollExpired(event),
      [DomainEvent.AccountCreated]: (event) => this.onAccountCreated(event),
      [DomainEvent.ReportFiled]: (event) => this.onReportFiled(event),
    });
  }

  /** Adds a silencer (the content lib's muted conversations), asked about every notification of a post. */
  silenceWith(silencer: NotificationSilencer): void {
    this.silencers.push(silencer);
  }

  /** In the caller's transaction: the notifications about these posts go (a domain purge deletes them). */
  forgetPosts(manager: EntityManager, postIds: readonly string[]): Promise<void> {
    return this.notifications.deleteAboutPosts(manager, postIds);
  }

  onFollowed(event: FollowEvent): Promise<void> {
    return this.notify(NotificationType.Follow, event.followerId, [event.followeeId], null);
  }

  onFollowRequested(event: FollowEvent): Promise<void> {
    return this.notify(NotificationType.FollowRequest, event.followerId, [event.followeeId], null);
  }

  /**
   * The author replied to gets `reply` only, even when also mentioned. Followers whose follow
   * has `notify` get `status` for a post that reaches their home (Mastodon's FeedInsertWorker):
   * not a direct post, not a reply to someone else.
   */
  async onPostPublished(event: PostPublishedEvent): Promise<void> {
    const replyTo = event.inReplyToAuthorId;
    if (replyTo) await this.notify(NotificationType.Reply, event.authorId, [replyTo], event.postId);
    const mentioned = event.mentionedAccountIds.filter((id) => id !== replyTo);
    await this.notify(NotificationType.Mention, event.authorId, mentioned, event.postId);
    const toHome = event.visibility !== 'direct' && (replyTo === null || replyTo === event.authorId);
    if (toHome) {
      const followers = await this.notifications.notifiedFollowerIds(event.authorId);
      await this.notify(NotificationType.Status, event.authorId, followers, event.postId);
    }
  }

  /**
   * Accounts an edit mentions for the first time (the dedupe key spares those already told), and
   * the local accounts that boosted the post (Mastodon's `update`): each edit is news, so the
   * edit's event id is in their dedupe key (a re-delivered event still notifies once).
   */
  async onPostUpdated(event: PostUpdatedEvent, meta?: EventMeta): Promise<void> {
    await this.notify(NotificationType.Mention, event.authorId, event.newlyMentionedAccountIds, event.postId);
    const boosters = event.localBoosterIds ?? [];
    if (boosters.length && meta) {
      await this.notify(NotificationType.Update, event.authorId, boosters, event.postId, { occasion: meta.id });
    }
  }

  /** Staff (moderators and admins) hear of each new local account (Mastodon's `admin.sign_up`). */
  async onAccountCreated(event: AccountCreatedEvent): Promise<void> {
    await this.notify(NotificationType.AdminSignUp, event.accountId, await this.staff.staffAccountIds(), null);
  }

  /** Staff hear of each new report, from its reporter (Mastodon's `admin.report`). */
  async onReportFiled(event: ReportFiledEvent): Promise<void> {
    const staff = await this.staff.staffAccountIds();
    await this.notify(NotificationType.AdminReport, event.reporterId, staff, null, { reportId: event.reportId });
  }

  onPostLiked(event: PostEngagementEvent): Promise<void> {
    return this.notify(NotificationType.Like, event.accountId, [event.postAuthorId], event.postId);
  }

  onPostBoosted(event: PostEngagementEvent): Promise<void> {
    return this.notify(NotificationType.Boost, event.accountId, [event.postAuthorId], event.postId);
  }

  /** Mastodon's PollExpirationNotifyWorker: the local voters and the author (if local) hear of the end. */
  onPollExpired(event: PollExpiredEvent): Promise<void> {
    const recipients = [...event.localVoterIds, ...(event.postLocal ? [event.authorId] : [])];
    return this.notify(NotificationType.Poll, event.authorId, recipients, event.postId, { includeActor: true });
  }

  async page(viewerId: string, request: NotificationPageRequest): Promise<Page<NotificationEntity>> {
    const beforeId = afterCursor(request.after);
    const rows = await this.notifications.page(viewerId, {
      beforeId,
      unreadOnly: request.unreadOnly,
      limit: request.first,
    });
    return toPage(rows, request.first);
  }

  countUnread(viewerId: string): Promise<number> {
    return this.notifications.countUnread(viewerId);
  }

  markRead(viewerId: string, upTo: string | null): Promise<number> {
    if (upTo !== null && !UUID_PATTERN.test(upTo)) {
      throw new NotificationException(NotificationErrorCode.InvalidId, 'upTo is not a notification id');
    }
    return this.notifications.markRead(viewerId, upTo?.toLowerCase() ?? null);
  }

  async markOneRead(viewerId: string, id: string): Promise<boolean> {
    const found = UUID_PATTERN.test(id) && (await this.notifications.markOneRead(viewerId, id.toLowerCase()));
    if (!found) throw new NotificationException(NotificationErrorCode.NotFound, 'No such notification', { id });
    return true;
  }

  /** A page of the viewer's notifications in Mastodon's paging (ids already checked by the caller). */
  list(viewerId: string, filter: NotificationListFilter): Promise<NotificationEntity[]> {
    return this.notifications.list(viewerId, filter);
  }

  /**
   * For Mastodon's grouped notifications: each group's size and newest members up to the page's
   * upper bound, and its oldest member within the page (groups span pages; counts are the group's).
   */
  summarizeGroups(
    viewerId: string,
    groups: readonly NotificationGroupRef[],
    range: { from: IdBound | null; to: IdBound | null },
    samples: number,
  ): Promise<NotificationGroupSummary[]> {
    return this.notifications.summarizeGroups(viewerId, groups, range, samples);
  }

  /** One of the viewer's notifications; NotFound for any other (or a malformed id). */
  async get(viewerId: string, id: string): Promise<NotificationEntity> {
    const found = UUID_PATTERN.test(id) ? await this.notifications.findOne(viewerId, id.toLowerCase()) : null;
    if (!found) throw new NotificationException(NotificationErrorCode.NotFound, 'No such notification', { id });
    return found;
  }

  /** How many are newer than `afterId` (a marker), counted up to `cap`. */
  countNewer(viewerId: string, afterId: string | null, cap: number): Promise<number> {
    return this.notifications.countNewer(viewerId, afterId, cap);
  }

  /** Deletes some of the viewer's notifications (Mastodon's dismiss); NotFound when none of them exists. */
  async dismiss(viewerId: string, ids: readonly string[]): Promise<void> {
    const valid = ids.filter((id) => UUID_PATTERN.test(id)).map((id) => id.toLowerCase());
    const deleted = valid.length ? await this.notifications.delete(viewerId, valid) : 0;
    if (!deleted) throw new NotificationException(NotificationErrorCode.NotFound, 'No such notification', { ids });
  }

  /** Deletes all of the viewer's notifications (Mastodon's clear). */
  async clear(viewerId: string): Promise<number> {
    return this.notifications.delete(viewerId, null);
  }

  private async notify(
    type: NotificationType,
    fromAccountId: string,
    recipientIds: string[],
    postId: string | null,
    options: { includeActor?: boolean; occasion?: string; reportId?: string } = {},
  ): Promise<void> {
    // Never about one's own action, except where the action is no one's (a poll's end).
    const candidates = [...new Set(recipientIds)].filter((id) => options.includeActor || id !== fromAccountId);
    if (!candidates.length) return;
    const recipients = await this.unsilenced(postId, await this.notifications.findReachable(fromAccountId, candidates));
    if (!recipients.length) return;
    const subject = options.reportId ?? postId ?? '';
    const dedupeKey = `${type}:${fromAccountId}:${subject}${options.occasion ? `:${options.occasion}` : ''}`;
    const reportId = options.reportId ?? null;
    // Each notification's event (Web Push to the recipient's apps) is written with it.
    const created = await this.notifications.transaction(async (tx) => {
      const rows = await this.notifications.insertNew(
        tx,
        recipients.map((accountId) => ({ id: uuidv7(), accountId, type, fromAccountId, postId, reportId, dedupeKey })),
      );
      for (const row of rows) {
        await this.bus.publish(tx, DomainEvent.NotificationCreated, {
          notificationId: row.id,
          accountId: row.accountId,
          type: row.type,
          fromAccountId: row.fromAccountId,
          postId: row.postId,
        });
      }
      return rows;
    });
    await Promise.all(created.map((notification) => this.publish(notification)));
  }

  /** `recipientIds` less those a silencer names for `postId`. */
  private async unsilenced(postId: string | null, recipientIds: string[]): Promise<string[]> {
    if (!postId || !recipientIds.length || !this.silencers.length) return recipientIds;
    const silenced = await Promise.all(this.silencers.map((silencer) => silencer(postId, recipientIds)));
    return recipientIds.filter((id) => !silenced.some((set) => set.has(id)));
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
