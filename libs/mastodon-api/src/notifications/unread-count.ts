import { Injectable } from '@nestjs/common';
import { UUID_PATTERN } from '@guildhall/core';
import { MarkerService, NotificationInbox } from '@guildhall/social';
import { stringParam } from '../http/params';

/** Mastodon caps its unread count (`limit`, default 100, at most 1000). */
const UNREAD_DEFAULT = 100;
const UNREAD_MAX = 1000;

/** Mastodon's unread count: notifications newer than the `notifications` marker (all when there is none). */
@Injectable()
export class UnreadCount {
  constructor(
    private readonly notifications: NotificationInbox,
    private readonly markers: MarkerService,
  ) {}

  async of(accountId: string, query: Record<string, unknown>): Promise<number> {
    const asked = Number(stringParam(query.limit));
    const cap = Number.isFinite(asked) && asked >= 1 ? Math.min(Math.trunc(asked), UNREAD_MAX) : UNREAD_DEFAULT;
    const [marker] = await this.markers.find(accountId, ['notifications']);
    const after = marker && UUID_PATTERN.test(marker.lastReadId) ? marker.lastReadId.toLowerCase() : null;
    return this.notifications.countNewer(accountId, after, cap);
  }
}
