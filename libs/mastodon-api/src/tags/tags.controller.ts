import { Get, Param, Query, Req, Res } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import { TagFollowService } from '@guildhall/content';
import { type AuthContext, CurrentAuth, Public } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { readPage, setLinkHeader } from '../http/paging';
import { Scope } from '../http/scopes.decorator';
import type { MastodonFollowableTag } from '../serializers/mastodon-entities';

/** Hashtags and the member's followed hashtags (the content lib's TagFollowService). */
@MastodonController('api/v1')
export class TagsController {
  constructor(
    private readonly tags: TagFollowService,
    private readonly config: ConfigService,
  ) {}

  /** The followed tags, newest follow first, paged by the follow's id (Link). */
  @Scope('read:follows')
  @Get('followed_tags')
  async followed(
    @CurrentAuth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MastodonFollowableTag[]> {
    const rows = await this.tags.list(auth.accountId, readPage(query, { limit: 100, max: 200 }));
    setLinkHeader(
      request,
      reply,
      this.config.values.publicOrigin,
      rows.map((row) => row.id),
    );
    return rows.map((row) => this.render({ id: row.tagId, name: row.name }, true));
  }

  /** A tag some post carried or someone followed; 404 otherwise. */
  @Public()
  @Get('tags/:name')
  async show(
    @Param('name') name: string,
    @CurrentAuth() auth: AuthContext | undefined,
  ): Promise<MastodonFollowableTag> {
    const tag = await this.tags.require(name);
    if (!auth) return this.render(tag, undefined);
    return this.render(tag, await this.tags.isFollowing(auth.accountId, tag.name));
  }

  @Scope('write:follows')
  @MastodonPost('tags/:name/follow')
  async follow(@CurrentAuth() auth: AuthContext, @Param('name') name: string): Promise<MastodonFollowableTag> {
    return this.render(await this.tags.follow(auth.accountId, name), true);
  }

  @Scope('write:follows')
  @MastodonPost('tags/:name/unfollow')
  async unfollow(@CurrentAuth() auth: AuthContext, @Param('name') name: string): Promise<MastodonFollowableTag> {
    return this.render(await this.tags.unfollow(auth.accountId, name), false);
  }

  private render({ id, name }: { id: string; name: string }, following: boolean | undefined): MastodonFollowableTag {
    const tag: MastodonFollowableTag = {
      id,
      name,
      url: `${this.config.values.publicOrigin}/tags/${encodeURIComponent(name)}`,
      history: [],
    };
    if (following !== undefined) tag.following = following;
    return tag;
  }
}
