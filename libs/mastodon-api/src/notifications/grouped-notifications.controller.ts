import { Body, Get, Param, Patch, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConfigService } from '@guildhall/core';
import { ACCOUNT_BY_ID, type AuthContext, CurrentAuth } from '@guildhall/identity';
import { type NotificationEntity, NotificationInbox } from '@guildhall/social';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { MastodonLoaders } from '../http/mastodon-request';
import { MastodonException } from '../http/mastodon.exception';
import { arrayParam } from '../http/params';
import { setLinkHeader } from '../http/paging';
import { Scope } from '../http/scopes.decorator';
import type { MastodonReport } from '../reports/report.entities';
import { AccountSerializer } from '../serializers/account.serializer';
import type { MastodonAccount, MastodonStatus } from '../serializers/mastodon-entities';
import { GROUPABLE, type GroupPage, groupFilter, groupRef, readGroupPage } from './notification-groups';
import { listFilter } from './notifications.controller';
import { recordNotFound } from './record-not-found';
import { UnreadCount } from './unread-count';
import { NotificationSerializer } from './notification.serializer';

const SAMPLE_ACCOUNTS = 8;

export interface MastodonNotificationGroup {
  group_key: string;
  notifications_count: number;
  type: string;
  most_recent_notification_id: string;
  page_min_id?: string;
  page_max_id?: string;
  latest_page_notification_at?: string;
  sample_account_ids: string[];
  status_id?: string;
  report?: MastodonReport;
}

type GroupedResults = {
  accounts: MastodonAccount[];
  statuses: MastodonStatus[];
  notification_groups: MastodonNotificationGroup[];
};

@MastodonController('api/v2/notifications')
export class GroupedNotificationsController {
  constructor(
    private readonly notifications: NotificationInbox,
    private readonly serializer: NotificationSerializer,
    private readonly loaders: MastodonLoaders,
    private readonly config: ConfigService,
    private readonly unread: UnreadCount,
    private readonly accountSerializer: AccountSerializer,
  ) {}

  /**
   * Mastodon 4.3's grouped notifications: `limit` groups per page, each group's counts, newest
   * members and samples read up to the page's upper bound (so a group spans pages under one
   * `group_key`, and `notifications_count` counts the group, not the page), and `page_min_id` /
   * `page_max_id` the group's oldest and newest notifications within the page.
   */
  @Get()
  @Scope('read:notifications')
  async list(
    @CurrentAuth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<GroupedResults> {
    const filter = listFilter(query);
    const asked = arrayParam(query, 'grouped_types');
    const grouped = asked.length ? asked : GROUPABLE;
    const page = await readGroupPage((f) => this.notifications.list(auth.accountId, f), filter, grouped);
    setLinkHeader(
      request,
      reply,
      this.config.values.publicOrigin,
      page.representatives.map((row) => row.id),
      { next: page.complete },
    );
    return this.render(auth.accountId, page.representatives, grouped, page.range, request);
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

  /** One group, whole: its newest notification, its count and samples over all of it (no page bounds). */
  @Get(':group_key')
  @Scope('read:notifications')
  async group(@CurrentAuth() auth: AuthContext, @Param('group_key') key: string, @Req() request: FastifyRequest) {
    const [newest] = await this.rowsOf(auth.accountId, key, 1);
    if (!newest) throw MastodonException.notFound();
    const found = await this.render(auth.accountId, [newest], GROUPABLE, null, request);
    if (!found.notification_groups.length) throw MastodonException.notFound();
    return found;
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

  private async rowsOf(accountId: string, key: string, limit = 200): Promise<NotificationEntity[]> {
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
      limit,
    });
  }

  /**
   * The groups of `representatives` (newest first), with the accounts and statuses they name
   * listed once. `range`: the page's (its bounds are shown); null for one whole group.
   */
  private async render(
    viewerId: string,
    representatives: NotificationEntity[],
    grouped: readonly string[],
    range: GroupPage['range'] | null,
    request: FastifyRequest,
  ): Promise<GroupedResults> {
    const context = this.loaders.of(request);
    const rendered = await this.serializer.serializeMany(representatives, context);
    const keys = rendered.map((item) => (grouped.includes(item.type) ? item.group_key : `ungrouped-${item.id}`));
    const refs = keys.map((key) => groupRef(key));
    const wanted = refs.flatMap((ref, index) => (ref ? [{ ref, index }] : []));
    const summaries = await this.notifications.summarizeGroups(
      viewerId,
      wanted.map((w) => w.ref),
      range ?? { from: null, to: null },
      SAMPLE_ACCOUNTS,
    );
    const summaryAt = new Map(wanted.map((w, i) => [w.index, summaries[i]]));
    const accounts = new Map<string, MastodonAccount>();
    const statuses = new Map<string, MastodonStatus>();
    const groups = rendered.map((item, index): MastodonNotificationGroup => {
      accounts.set(item.account.id, item.account);
      if (item.status) statuses.set(item.status.id, item.status);
      const summary = summaryAt.get(index);
      const newestId = summary?.newestId ?? item.id;
      return {
        group_key: keys[index],
        notifications_count: summary?.count ?? 1,
        type: item.type,
        most_recent_notification_id: newestId,
        ...(range
          ? {
              page_min_id: summary?.oldestInRangeId ?? item.id,
              page_max_id: newestId,
              latest_page_notification_at: summary?.newestAt?.toISOString() ?? item.created_at,
            }
          : {}),
        sample_account_ids: summary?.sampleAccountIds ?? [item.account.id],
        ...(item.status ? { status_id: item.status.id } : {}),
        ...(item.report ? { report: item.report } : {}),
      };
    });
    const missing = [...new Set(groups.flatMap((group) => group.sample_account_ids))].filter((id) => !accounts.has(id));
    const loaded = await Promise.all(missing.map((id) => context.loaders.get(ACCOUNT_BY_ID).load(id)));
    for (const account of loaded) if (account) accounts.set(account.id, this.accountSerializer.serialize(account));
    return { accounts: [...accounts.values()], statuses: [...statuses.values()], notification_groups: groups };
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
