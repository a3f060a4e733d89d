import { Injectable } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import {
  HASHTAGS_BY_POST_ID,
  MEDIA_VIEWS_BY_POST_ID,
  MENTIONS_BY_POST_ID,
  POLL_BY_POST_ID,
  type PostEntity,
  toMediaView,
  type FilterContext,
  type TimelinePost,
  VIEWER_HAS_BOOKMARKED,
  VIEWER_HAS_BOOSTED,
  VIEWER_HAS_LIKED,
  VIEWER_HAS_MUTED,
  VIEWER_HAS_PINNED,
  VISIBLE_POST_BY_ID,
} from '@guildhall/content';
import { ACCOUNT_BY_ID } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MastodonLoaders } from '../http/mastodon-request';
import { setLinkHeader } from '../http/paging';
import type { MastodonStatus } from '../serializers/mastodon-entities';
import { StatusSerializer } from '../serializers/status.serializer';

/** The request after the global AuthGuard: `user` is set when a token was given. */

/**
 * Renders a page of statuses (newest first) with Mastodon's Link header. Timeline rows come with
 * their authors, media and (read `withExtras`) tags, mentions, the viewer's likes, boosts,
 * bookmarks and pins, whether a poll or a muted conversation needs looking up, whether the
 * viewer has any filter, and (HOME and lists) a boost's original with its author and media: the
 * request's loaders are primed with them, so a page without polls or muted conversations, read
 * by a viewer without filters, costs no query beyond the timeline's own.
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
    const origin = this.config.values.publicOrigin;
    const { loaders } = context;
    for (const row of page) {
      loaders.get(ACCOUNT_BY_ID).prime(row.accountId, row.account);
      loaders.get(MEDIA_VIEWS_BY_POST_ID).prime(
        row.id,
        row.media.map((attachment) => toMediaView(attachment, origin)),
      );
      const original = row.original;
      if (original) {
        loaders.get(VISIBLE_POST_BY_ID).prime(original.post.id, original.post);
        loaders.get(ACCOUNT_BY_ID).prime(original.account.id, original.account);
        loaders.get(MEDIA_VIEWS_BY_POST_ID).prime(
          original.post.id,
          original.media.map((attachment) => toMediaView(attachment, origin)),
        );
      }
      const extras = row.extras;
      if (!extras) continue;
      loaders.get(HASHTAGS_BY_POST_ID).prime(extras.postId, extras.tags);
      loaders.get(MENTIONS_BY_POST_ID).prime(extras.postId, extras.mentionIds);
      // A post with a poll is loaded for its tallies and the viewer's votes; one without has none.
      if (!extras.hasPoll) loaders.get(POLL_BY_POST_ID).prime(extras.postId, null);
      if (context.viewerId) {
        loaders.get(VIEWER_HAS_LIKED).prime(extras.postId, extras.liked);
        loaders.get(VIEWER_HAS_BOOSTED).prime(extras.postId, extras.boosted);
        loaders.get(VIEWER_HAS_BOOKMARKED).prime(extras.postId, extras.bookmarked);
        loaders.get(VIEWER_HAS_PINNED).prime(extras.postId, extras.pinned);
        if (!extras.viewerMutesConversations) loaders.get(VIEWER_HAS_MUTED).prime(extras.postId, false);
      }
    }
    setLinkHeader(
      request,
      reply,
      origin,
      page.map((row) => row.id),
      { next: this.hasOlder(request, rows.length, limit) },
    );
    return this.statuses.serializeMany(page, context);
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
