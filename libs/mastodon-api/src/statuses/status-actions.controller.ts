import { Get, Param, Query, Req, Res } from '@nestjs/common';
import {
  ConversationMuteService,
  type Engager,
  EngagementService,
  type PostEntity,
  PinService,
} from '@guildhall/content';
import { ConfigService } from '@guildhall/core';
import { ACCOUNT_BY_ID, type AccountEntity, type AuthContext, CurrentAuth, Public } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { MastodonLoaders } from '../http/mastodon-request';
import { MastodonException } from '../http/mastodon.exception';
import { readPage, setLinkHeader } from '../http/paging';
import { Scope } from '../http/scopes.decorator';
import { AccountSerializer } from '../serializers/account.serializer';
import type { MastodonAccount, MastodonStatus } from '../serializers/mastodon-entities';
import { StatusSerializer } from '../serializers/status.serializer';
import { statusId } from './statuses.controller';

type Request = FastifyRequest & Parameters<MastodonLoaders['of']>[0];

/**
 * What a member does to a status (favourite, reblog, bookmark, pin, mute, and their undoing),
 * each answering the status as it now is; and who favourited or reblogged it. The same services
 * as GraphQL's mutations: counts, events, notifications and federation follow from them.
 */
@MastodonController('api/v1/statuses/:id')
export class StatusActionsController {
  constructor(
    private readonly engagement: EngagementService,
    private readonly pins: PinService,
    private readonly mutes: ConversationMuteService,
    private readonly loaders: MastodonLoaders,
    private readonly statuses: StatusSerializer,
    private readonly accounts: AccountSerializer,
    private readonly config: ConfigService,
  ) {}

  @Scope('write:favourites')
  @MastodonPost('favourite')
  async favourite(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: Request) {
    return this.render(await this.engagement.like(auth, statusId(id)), request);
  }

  @Scope('write:favourites')
  @MastodonPost('unfavourite')
  async unfavourite(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: Request) {
    return this.render(await this.engagement.unlike(auth, statusId(id)), request);
  }

  /** Answers the boost, wrapping the original (as Mastodon's reblog does). */
  @Scope('write:statuses')
  @MastodonPost('reblog')
  async reblog(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: Request) {
    const original = await this.engagement.boost(auth, statusId(id));
    const boost = await this.engagement.liveBoost(auth, original.id);
    return this.render(boost ?? original, request);
  }

  @Scope('write:statuses')
  @MastodonPost('unreblog')
  async unreblog(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: Request) {
    return this.render(await this.engagement.unboost(auth, statusId(id)), request);
  }

  @Scope('write:bookmarks')
  @MastodonPost('bookmark')
  async bookmark(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: Request) {
    return this.render(await this.engagement.bookmark(auth, statusId(id)), request);
  }

  @Scope('write:bookmarks')
  @MastodonPost('unbookmark')
  async unbookmark(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: Request) {
    return this.render(await this.engagement.unbookmark(auth, statusId(id)), request);
  }

  @Scope('write:accounts')
  @MastodonPost('pin')
  async pin(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: Request) {
    return this.render(await this.pins.pin(auth, statusId(id)), request);
  }

  @Scope('write:accounts')
  @MastodonPost('unpin')
  async unpin(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: Request) {
    return this.render(await this.pins.unpin(auth, statusId(id)), request);
  }

  @Scope('write:mutes')
  @MastodonPost('mute')
  async mute(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: Request) {
    return this.render(await this.mutes.mute(auth, statusId(id)), request);
  }

  @Scope('write:mutes')
  @MastodonPost('unmute')
  async unmute(@CurrentAuth() auth: AuthContext, @Param('id') id: string, @Req() request: Request) {
    return this.render(await this.mutes.unmute(auth, statusId(id)), request);
  }

  @Public()
  @Get('favourited_by')
  favouritedBy(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MastodonAccount[]> {
    return this.engagers('likes', id, query, request, reply);
  }

  @Public()
  @Get('reblogged_by')
  rebloggedBy(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MastodonAccount[]> {
    return this.engagers('boosts', id, query, request, reply);
  }

  private async engagers(
    kind: 'likes' | 'boosts',
    id: string,
    query: Record<string, unknown>,
    request: Request,
    reply: FastifyReply,
  ): Promise<MastodonAccount[]> {
    const context = this.loaders.of(request);
    const page = readPage(query);
    const rows: Engager[] = await this.engagement.engagers(context.viewerId, statusId(id), kind, page);
    setLinkHeader(
      request,
      reply,
      this.config.values.publicOrigin,
      rows.map((row) => row.id),
    );
    const accounts = await context.loaders.get(ACCOUNT_BY_ID).loadMany(rows.map((row) => row.accountId));
    return accounts
      .filter((account): account is AccountEntity => !!account && !(account instanceof Error))
      .map((account) => this.accounts.serialize(account));
  }

  private async render(post: PostEntity, request: Request): Promise<MastodonStatus> {
    const rendered = await this.statuses.serialize(post, this.loaders.of(request));
    if (!rendered) throw MastodonException.notFound();
    return rendered;
  }
}
