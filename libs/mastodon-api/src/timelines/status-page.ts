import { Injectable } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import type { FilterContext, PostEntity, TimelinePost } from '@guildhall/content';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MastodonLoaders } from '../http/mastodon-request';
import { setLinkHeader } from '../http/paging';
import type { MastodonStatus } from '../serializers/mastodon-entities';
import { StatusSerializer } from '../serializers/status.serializer';

/**
 * Renders a page of statuses (newest first) with Mastodon's Link header. Timeline rows come with
 * their authors, media and (read `withExtras`) tags, mentions, the viewer's likes, boosts,
 * bookmarks and pins, whether a poll or a muted conversation needs looking up, whether the
 * viewer has any filter, and (HOME and lists) a boost's original with its author and media:
 * StatusSerializer.serializeTimeline renders such a row from the row itself, so a page without
 * polls or muted conversations, read by a viewer without filters, costs no query beyond the
 * timeline's own.
 */
@Injectable()
export class StatusPage {
  constructor(
    private readonly statuses: StatusSerializer,
    private readonly loaders: MastodonLoaders,
    private readonly config: ConfigService,
  ) {}

  /**
   * `rows` may hold one more than `limit` (the repository's look-ahead row): it is left out, and
   * tells that there is an older page. Without it (a `min_id` page), a full page may have one.
   */
  async timeline(
    request: FastifyRequest,
    reply: FastifyReply,
    rows: TimelinePost[],
    limit: number,
    filterContext: FilterContext,
  ): Promise<MastodonStatus[]> {
    const page = rows.slice(0, limit);

    // The reader's filters of this context apply (hide drops a status, warn/blur mark it).
    // Every row's extras carry whether the viewer has any filter: without one, none is loaded.
    const viewerHasNoFilters = page.length > 0 && page.every((row) => row.extras?.viewerHasFilters === false);
    const context = { ...this.loaders.of(request), filterContext, viewerHasNoFilters };
    setLinkHeader(
      request,
      reply,
      this.config.values.publicOrigin,
      page.map((row) => row.id),
      { next: this.hasOlder(request, rows.length, limit) },
    );
    return this.statuses.serializeTimeline(page, context);
  }

  /**
   * Posts paged by another row's id (a bookmark's, a like's): the Link header names those ids,
   * as Mastodon's does. `rows` may hold a look-ahead row, as for `timeline`.
   */
  async byRow(
    request: FastifyRequest,
    reply: FastifyReply,
    rows: { id: string; post: PostEntity }[],
    limit: number,
  ): Promise<MastodonStatus[]> {
    const page = rows.slice(0, limit);
    setLinkHeader(
      request,
      reply,
      this.config.values.publicOrigin,
      page.map((row) => row.id),
      { next: this.hasOlder(request, rows.length, limit) },
    );
    return this.statuses.serializeMany(
      page.map((row) => row.post),
      this.loaders.of(request),
    );
  }

  /** More than `limit` rows came (the look-ahead row), or a full `min_id` page (read without one). */
  private hasOlder(request: FastifyRequest, count: number, limit: number): boolean {
    const query = request.query as Record<string, unknown> | undefined;
    return count > limit || (query?.min_id !== undefined && count === limit);
  }
}
