import { Injectable } from '@nestjs/common';
import { afterCursor, toPage, UUID_PATTERN, type Page } from '@guildhall/core';
import type { NotificationEntity } from './notification.entity';
import { NotificationErrorCode, NotificationException } from './notification.exception';
import {
  type IdBound,
  type NotificationGroupRef,
  type NotificationGroupSummary,
  type NotificationListFilter,
  NotificationRepository,
} from './notification.repository';

export interface NotificationPageRequest {
  first: number;
  after?: string | null;
  unreadOnly: boolean;
}

/**
 * A member's notifications, served to their owner only: pages (GraphQL's and Mastodon's), counts,
 * read marks, grouped summaries and removals. Each call takes the viewer's account id and never
 * answers about another's; a malformed id answers NotFound, like another's (InvalidId for a read
 * mark). NotificationService writes them.
 */
@Injectable()
export class NotificationInbox {
  constructor(private readonly notifications: NotificationRepository) {}

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
}
