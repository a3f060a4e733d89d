import { Get, Param, Query, Req, Res } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import { type AuthContext, CurrentAuth } from '@guildhall/identity';
import { FollowService, SocialGraphService } from '@guildhall/social';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { readPage, setLinkHeader } from '../http/paging';
import { Scope } from '../http/scopes.decorator';
import { AccountSerializer } from '../serializers/account.serializer';
import type { MastodonAccount, MastodonRelationship } from '../serializers/mastodon-entities';
import { AccountLookup, handleOf } from './account-lookup.service';
import { toMastodonRelationship } from './relationship.serializer';

/** Requests to follow the member (a locked account): list, authorize, reject (by the requester's id). */
@MastodonController('api/v1/follow_requests')
export class FollowRequestsController {
  constructor(
    private readonly lookup: AccountLookup,
    private readonly follows: FollowService,
    private readonly graph: SocialGraphService,
    private readonly serializer: AccountSerializer,
    private readonly config: ConfigService,
  ) {}

  /** The requesters, newest request first, paged by the request's id (Link). */
  @Scope('read:follows')
  @Get()
  async list(
    @CurrentAuth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MastodonAccount[]> {
    const rows = await this.follows.requestsPage(auth.accountId, readPage(query));
    setLinkHeader(
      request,
      reply,
      this.config.values.publicOrigin,
      rows.map((row) => row.id),
    );
    return rows.map((row) => this.serializer.serialize(row.follower));
  }

  /** 404 when the account has no pending request. */
  @Scope('write:follows')
  @MastodonPost(':id/authorize')
  async authorize(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<MastodonRelationship> {
    const requester = await this.lookup.byId(id);
    await this.follows.approve(auth.accountId, handleOf(requester));
    return this.relationship(auth.accountId, requester.id);
  }

  @Scope('write:follows')
  @MastodonPost(':id/reject')
  async reject(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<MastodonRelationship> {
    const requester = await this.lookup.byId(id);
    await this.follows.reject(auth.accountId, handleOf(requester));
    return this.relationship(auth.accountId, requester.id);
  }

  private async relationship(viewerId: string, accountId: string): Promise<MastodonRelationship> {
    const found = await this.graph.relationships(viewerId, [accountId]);
    return toMastodonRelationship(accountId, found.get(accountId) ?? null);
  }
}
