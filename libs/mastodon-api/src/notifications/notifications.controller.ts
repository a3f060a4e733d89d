import { Get, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConfigService, UUID_PATTERN } from '@guildhall/core';
import { type AuthContext, CurrentAuth } from '@guildhall/identity';
import { type NotificationEntity, type NotificationListFilter, NotificationInbox } from '@guildhall/social';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { MastodonLoaders } from '../http/mastodon-request';
import { MastodonException } from '../http/mastodon.exception';
import { arrayParam, stringParam } from '../http/params';
import { readPage, setLinkHeader } from '../http/paging';
import { Scope } from '../http/scopes.decorator';
import { recordNotFound } from './record-not-found';
import { NotificationSerializer, typesFromMastodon } from './notification.serializer';
import { UnreadCount } from './unread-count';

/** The filter for a request's `types[]`, `exclude_types[]`, `account_id` and paging. */
export function listFilter(query: Record<string, unknown>, limit?: number): NotificationListFilter {
  const page = readPage(query);
  const types = arrayParam(query, 'types');
  const excluded = arrayParam(query, 'exclude_types');
  const accountId = stringParam(query.account_id);
  return {
    types: types.length ? typesFromMastodon(types) : null,
    excludeTypes: excluded.length ? typesFromMastodon(excluded) : null,
    // An account id that is not one matches nobody, rather than everybody.
    fromAccountId: accountId
      ? UUID_PATTERN.test(accountId)
        ? accountId.toLowerCase()
        : '00000000-0000-0000-0000-000000000000'
      : null,
    maxId: page.maxId,
    sinceId: page.sinceId,
    minId: page.minId,
    limit: limit ?? page.limit,
  };
}

/** Newest first, whichever direction the page was read in. */
export function inDisplayOrder(rows: NotificationEntity[], filter: NotificationListFilter): NotificationEntity[] {
  return filter.minId ? [...rows].reverse() : rows;
}

/** Mastodon's v1 notifications over Guildhall's (libs/social): list, one, dismiss, clear, unread count. */
@MastodonController('api/v1/notifications')
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationInbox,
    private readonly serializer: NotificationSerializer,
    private readonly loaders: MastodonLoaders,
    private readonly unread: UnreadCount,
    private readonly config: ConfigService,
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
    return this.serializer.serializeMany(rows, this.loaders.of(request));
  }

  /** Before `:id`, so that it is not read as one. */
  @Get('unread_count')
  @Scope('read:notifications')
  async unreadCount(@CurrentAuth() auth: AuthContext, @Query() query: Record<string, unknown>) {
    return { count: await this.unread.of(auth.accountId, query) };
  }

  @Get('requests')
  @Scope('read:notifications')
  requests() {
    // Guildhall filters no notification into requests: there are never any.
    return [];
  }

  @MastodonPost('clear')
  @Scope('write:notifications')
  async clear(@CurrentAuth() auth: AuthContext) {
    await this.notifications.clear(auth.accountId);
    return {};
  }

  @Get(':id')
  @Scope('read:notifications')
  async one(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: FastifyRequest) {
    const row = await recordNotFound(this.notifications.get(auth.accountId, id));
    const [rendered] = await this.serializer.serializeMany([row], this.loaders.of(request));
    if (!rendered) throw MastodonException.notFound();
    return rendered;
  }

  @MastodonPost(':id/dismiss')
  @Scope('write:notifications')
  async dismiss(@CurrentAuth() auth: AuthContext, @Param('id') id: string) {
    await recordNotFound(this.notifications.dismiss(auth.accountId, [id]));
    return {};
  }
}
