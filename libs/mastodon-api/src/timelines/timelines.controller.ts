import { Get, Param, Query, Req, Res } from '@nestjs/common';
import { type TimelineFilter, type TimelinePage, TimelineRepository } from '@guildhall/content';
import { CurrentAuth, Public, type AuthContext } from '@guildhall/identity';
import { ListService } from '@guildhall/social';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MastodonController } from '../http/mastodon-controller.decorator';
import { type MastodonPage, readPage } from '../http/paging';
import { arrayParam, booleanParam } from '../http/params';
import { Scope } from '../http/scopes.decorator';
import type { MastodonStatus } from '../serializers/mastodon-entities';
import { StatusPage } from './status-page';

type QueryParams = Record<string, unknown>;

/** A hashtag's name as stored: no "#", lowercase; null when it cannot be one. */
function tagName(value: string): string | null {
  const name = value.replace(/^#/, '').toLowerCase();
  return /^[\p{L}\p{N}_]{1,100}$/u.test(name) ? name : null;
}

function tagNames(query: QueryParams, name: string): string[] {
  return arrayParam(query, name)
    .map(tagName)
    .filter((tag): tag is string => tag !== null);
}

function timelinePage(viewerId: string | null, page: MastodonPage): TimelinePage {
  return {
    viewerId,
    afterId: page.maxId,
    sinceId: page.sinceId,
    minId: page.minId,
    limit: page.limit,
    withExtras: true,
  };
}

function filterOf(query: QueryParams): TimelineFilter {
  const local = booleanParam(query.local);
  const remote = booleanParam(query.remote);
  // As Mastodon's PublicFeed: both (or neither) mean every origin.
  const origin = local === remote ? 'all' : local ? 'local' : 'remote';
  return { origin, onlyMedia: booleanParam(query.only_media) };
}

/**
 * Mastodon's timelines over the same repository (and so the same visibility rule, blocks and
 * mutes) as GraphQL's `timeline`: home, public (anonymous too), hashtag and list.
 */
@MastodonController('api/v1/timelines')
export class TimelinesController {
  constructor(
    private readonly timelines: TimelineRepository,
    private readonly lists: ListService,
    private readonly pages: StatusPage,
  ) {}

  @Get('home')
  @Scope('read:statuses')
  async home(
    @CurrentAuth() auth: AuthContext,
    @Query() query: QueryParams,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MastodonStatus[]> {
    const page = readPage(query);
    const rows = await this.timelines.home({ ...timelinePage(auth.accountId, page), viewerId: auth.accountId });
    return this.pages.timeline(request, reply, rows, page.limit, 'home');
  }

  @Public()
  @Get('public')
  async public(
    @CurrentAuth() auth: AuthContext | undefined,
    @Query() query: QueryParams,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MastodonStatus[]> {
    const page = readPage(query);
    const filter = filterOf(query);
    const rows = await this.timelines.publicPosts(timelinePage(auth?.accountId ?? null, page), false, filter);
    return this.pages.timeline(request, reply, rows, page.limit, 'public');
  }

  @Public()
  @Get('tag/:hashtag')
  async tag(
    @CurrentAuth() auth: AuthContext | undefined,
    @Param('hashtag') hashtag: string,
    @Query() query: QueryParams,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MastodonStatus[]> {
    const page = readPage(query);
    const tag = tagName(hashtag);
    // Mastodon answers an empty page for a name that cannot be a hashtag.
    if (!tag) return [];
    const rows = await this.timelines.hashtag(
      timelinePage(auth?.accountId ?? null, page),
      { tag, any: tagNames(query, 'any'), all: tagNames(query, 'all'), none: tagNames(query, 'none') },
      filterOf(query),
    );
    return this.pages.timeline(request, reply, rows, page.limit, 'public');
  }

  @Get('list/:id')
  @Scope('read:lists')
  async list(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Query() query: QueryParams,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MastodonStatus[]> {
    const list = await this.lists.get(auth.accountId, id);
    const page = readPage(query);
    const rows = await this.timelines.list(
      { ...timelinePage(auth.accountId, page), viewerId: auth.accountId },
      list.id,
    );
    return this.pages.timeline(request, reply, rows, page.limit, 'home');
  }
}
