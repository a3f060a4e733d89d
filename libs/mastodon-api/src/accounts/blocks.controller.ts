import { Body, Delete, Get, Query, Req, Res } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import { type AuthContext, CurrentAuth } from '@guildhall/identity';
import { BlockService, DomainBlockService } from '@guildhall/social';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { MastodonException } from '../http/mastodon.exception';
import { readPage, setLinkHeader } from '../http/paging';
import { stringParam } from '../http/params';
import { Scope } from '../http/scopes.decorator';
import { AccountSerializer } from '../serializers/account.serializer';
import type { MastodonAccount } from '../serializers/mastodon-entities';

type Params = Record<string, unknown>;

/**
 * The member's blocks, mutes and domain blocks (lists paged by the row's id, with Link), and the
 * lists Guildhall keeps none of: endorsements and featured tags are always empty.
 */
@MastodonController('api/v1')
export class BlocksController {
  constructor(
    private readonly blocks: BlockService,
    private readonly domainBlocks: DomainBlockService,
    private readonly serializer: AccountSerializer,
    private readonly config: ConfigService,
  ) {}

  @Scope('read:blocks')
  @Get('blocks')
  async blocked(
    @CurrentAuth() auth: AuthContext,
    @Query() query: Params,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MastodonAccount[]> {
    const rows = await this.blocks.blocked(auth.accountId, readPage(query));
    this.link(request, reply, rows);
    return rows.map((row) => this.serializer.serialize(row.target));
  }

  @Scope('read:mutes')
  @Get('mutes')
  async muted(
    @CurrentAuth() auth: AuthContext,
    @Query() query: Params,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MastodonAccount[]> {
    const rows = await this.blocks.muted(auth.accountId, readPage(query));
    this.link(request, reply, rows);
    return rows.map((row) => ({
      ...this.serializer.serialize(row.target),
      mute_expires_at: row.expiresAt ? new Date(row.expiresAt).toISOString() : null,
    }));
  }

  /** The blocked domains, newest block first (Mastodon's default page is 100, at most 200). */
  @Scope('read:blocks')
  @Get('domain_blocks')
  async blockedDomains(
    @CurrentAuth() auth: AuthContext,
    @Query() query: Params,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string[]> {
    const rows = await this.domainBlocks.list(auth.accountId, readPage(query, { limit: 100, max: 200 }));
    this.link(request, reply, rows);
    return rows.map((row) => row.domain);
  }

  /** Hides a server's posts from the member's home and public timelines. */
  @Scope('write:blocks')
  @MastodonPost('domain_blocks')
  async blockDomain(@CurrentAuth() auth: AuthContext, @Body() body: Params | undefined): Promise<object> {
    await this.domainBlocks.block(auth.accountId, this.domainOf(body));
    return {};
  }

  /** The domain in the body (or, as some clients send it, the query string). */
  @Scope('write:blocks')
  @Delete('domain_blocks')
  async unblockDomain(
    @CurrentAuth() auth: AuthContext,
    @Body() body: Params | undefined,
    @Query() query: Params,
  ): Promise<object> {
    await this.domainBlocks.unblock(auth.accountId, this.domainOf(body?.domain !== undefined ? body : query));
    return {};
  }

  @Scope('read:accounts')
  @Get('endorsements')
  endorsements(): MastodonAccount[] {
    return [];
  }

  @Scope('read:accounts')
  @Get('featured_tags')
  featuredTags(): never[] {
    return [];
  }

  private domainOf(source: Params | undefined): string {
    const domain = stringParam(source?.domain)?.trim();
    if (!domain) throw MastodonException.unprocessable('Missing domain');
    return domain;
  }

  private link(request: FastifyRequest, reply: FastifyReply, rows: { id: string }[]): void {
    setLinkHeader(
      request,
      reply,
      this.config.values.publicOrigin,
      rows.map((row) => row.id),
    );
  }
}
