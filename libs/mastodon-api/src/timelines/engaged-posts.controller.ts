import { Get, Query, Req, Res } from '@nestjs/common';
import { EngagementService } from '@guildhall/content';
import { CurrentAuth, type AuthContext } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MastodonController } from '../http/mastodon-controller.decorator';
import { readPage } from '../http/paging';
import { Scope } from '../http/scopes.decorator';
import type { MastodonStatus } from '../serializers/mastodon-entities';
import { StatusPage } from './status-page';

/**
 * `GET /api/v1/bookmarks` and `GET /api/v1/favourites`: the viewer's bookmarked and liked posts
 * they may still see, paged (and linked) by the bookmark's or like's id, newest first.
 */
@MastodonController('api/v1')
export class EngagedPostsController {
  constructor(
    private readonly engagement: EngagementService,
    private readonly pages: StatusPage,
  ) {}

  @Get('bookmarks')
  @Scope('read:bookmarks')
  async bookmarks(
    @CurrentAuth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MastodonStatus[]> {
    const page = readPage(query);
    const rows = await this.engagement.bookmarkPage(auth, page);
    return this.pages.byRow(request, reply, rows, page.limit);
  }

  @Get('favourites')
  @Scope('read:favourites')
  async favourites(
    @CurrentAuth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MastodonStatus[]> {
    const page = readPage(query);
    const rows = await this.engagement.likedPage(auth, page);
    return this.pages.byRow(request, reply, rows, page.limit);
  }
}
