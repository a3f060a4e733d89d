import { Body, Get, Param, Patch, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConfigService, UUID_PATTERN } from '@guildhall/core';
import { type AuthContext, CurrentAuth } from '@guildhall/identity';
import { type NotificationEntity, type NotificationListFilter, NotificationService } from '@guildhall/social';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { MastodonLoaders } from '../http/mastodon-request';
import { MastodonException } from '../http/mastodon.exception';
import { arrayParam } from '../http/params';
import { setLinkHeader } from '../http/paging';
import { Scope } from '../http/scopes.decorator';
import type { MastodonAccount, MastodonStatus } from '../serializers/mastodon-entities';
import { inDisplayOrder, listFilter } from './notifications.controller';
import { recordNotFound } from './record-not-found';
import { UnreadCount } from './unread-count';
import { type MastodonNotification, NotificationSerializer, typesFromMastodon } from './notification.serializer';

const SAMPLE_ACCOUNTS = 8;
const GROUPABLE = ['favourite', 'reblog', 'follow'];

export interface MastodonNotificationGroup {
  group_key: string;
  notifications_count: number;
  type: string;
  most_recent_notification_id: string;
  page_min_id: string;
  page_max_id: string;
  latest_page_notification_at: string;
  sample_account_ids: string[];
  status_id?: string;
}

/** A group key's notifications, as a filter: `favourite-<status>`, `reblog-<status>`, `follow`, `ungrouped-<id>`. */
function groupFilter(key: string): Partial<NotificationListFilter> & { id?: string } {
  const match = /^(favourite|reblog|ungrouped)-(.+)$/.exec(key);
  if (key === 'follow') return { types: typesFromMastodon(['follow']) };
  if (!match || !UUID_PATTERN.test(match[2])) throw MastodonException.notFound();
  const id = match[2].toLowerCase();
  return match[1] === 'ungrouped' ? { id } : { types: typesFromMastodon([match[1]]), postId: id };
}

/**
 * Mastodon 4.3's grouped notifications (`GroupedNotificationsResults`): the page's notifications
 * grouped by group key in order of their newest member, with the accounts and statuses they name
 * listed once.
 */
export function groupPage(
  rendered: MastodonNotification[],
  groupedTypes: readonly string[],
): { groups: MastodonNotificationGroup[]; accounts: MastodonAccount[]; statuses: MastodonStatus[] } {
  const groups = new Map<string, MastodonNotificationGroup>();
  const accounts = new Map<string, MastodonAccount>();
  const statuses = new Map<string, MastodonStatus>();
  for (const item of rendered) {
    const key = groupedTypes.includes(item.type) ? item.group_key : `ungrouped-${item.id}`;
    accounts.set(item.account.id, item.account);
    if (item.status) statuses.set(item.status.id, item.status);
    const group = groups.get(key);
    if (group) {
      group.notifications_count += 1;
      group.page_min_id = item.id;
      if (group.sample_account_ids.length < SAMPLE_ACCOUNTS && !group.sample_account_ids.includes(item.account.id)) {
        group.sample_account_ids.push(item.account.id);
      }
      continue;
    }
    groups.set(key, {
      group_key: key,
      notifications_count: 1,
      type: item.type,
      most_recent_notification_id: item.id,
      page_min_id: item.id,
      page_max_id: item.id,
      latest_page_notification_at: item.created_at,
      sample_account_ids: [item.account.id],
      ...(item.status ? { status_id: item.status.id } : {}),
    });
  }
  return { groups: [...groups.values()], accounts: [...accounts.values()], statuses: [...statuses.values()] };
}

@MastodonController('api/v2/notifications')
export class GroupedNotificationsController {
  constructor(
    private readonly notifications: NotificationService,
    private readonly serializer: NotificationSerializer,
    private readonly loaders: MastodonLoaders,
    private readonly config: ConfigService,
    private readonly unread: UnreadCount,
  ) {}

  @Get()
  @Scope('read:notifications')
  async list(
    @CurrentAuth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const filter = listFilter(query);
    const rows = inDisplayOrder(await this.notifications.list(auth.accountId, filter), filter);
    setLinkHeader(
      request,
      reply,
      this.config.values.publicOrigin,
      rows.map((row) => row.id),
    );
    const asked = arrayParam(query, 'grouped_types');
    const { groups, accounts, statuses } = groupPage(
      await this.serializer.serializeMany(rows, this.loaders.of(request)),
      asked.length ? asked : GROUPABLE,
    );
    return { accounts, statuses, notification_groups: groups };
  }

  @Get('unread_count')
  @Scope('read:notifications')
  async unreadCount(@CurrentAuth() auth: AuthContext, @Query() query: Record<string, unknown>) {
    return { count: await this.unread.of(auth.accountId, query) };
  }

  @Get('policy')
  @Scope('read:notifications')
  policy() {
    return POLICY;
  }

  /** Guildhall filters nothing into requests: the policy accepts everything and cannot be changed. */
  @Patch('policy')
  @Scope('write:notifications')
  updatePolicy(@Body() _body: unknown) {
    return POLICY;
  }

  @Get(':group_key')
  @Scope('read:notifications')
  async group(@CurrentAuth() auth: AuthContext, @Param('group_key') key: string, @Req() request: FastifyRequest) {
    const rows = await this.rowsOf(auth.accountId, key);
    const { groups, accounts, statuses } = groupPage(
      await this.serializer.serializeMany(rows, this.loaders.of(request)),
      GROUPABLE,
    );
    if (!groups.length) throw MastodonException.notFound();
    return { accounts, statuses, notification_groups: groups };
  }

  @MastodonPost(':group_key/dismiss')
  @Scope('write:notifications')
  async dismiss(@CurrentAuth() auth: AuthContext, @Param('group_key') key: string) {
    const rows = await this.rowsOf(auth.accountId, key);
    if (!rows.length) throw MastodonException.notFound();
    await recordNotFound(
      this.notifications.dismiss(
        auth.accountId,
        rows.map((row) => row.id),
      ),
    );
    return {};
  }

  private async rowsOf(accountId: string, key: string): Promise<NotificationEntity[]> {
    const filter = groupFilter(key);
    if (filter.id) return [await recordNotFound(this.notifications.get(accountId, filter.id))];
    return this.notifications.list(accountId, {
      types: filter.types ?? null,
      excludeTypes: null,
      fromAccountId: null,
      postId: filter.postId ?? null,
      maxId: null,
      sinceId: null,
      minId: null,
      limit: 200,
    });
  }
}

const POLICY = {
  for_not_following: 'accept',
  for_not_followers: 'accept',
  for_new_accounts: 'accept',
  for_private_mentions: 'accept',
  for_limited_accounts: 'accept',
  summary: { pending_requests_count: 0, pending_notifications_count: 0 },
};
