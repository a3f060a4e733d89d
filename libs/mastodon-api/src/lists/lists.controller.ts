import { Body, Delete, Get, Param, Put, Query, Req, Res } from '@nestjs/common';
import { ConfigService, UUID_PATTERN } from '@guildhall/core';
import { AccountService, CurrentAuth, type AuthContext } from '@guildhall/identity';
import { type ListChanges, ListService } from '@guildhall/social';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { MastodonException } from '../http/mastodon.exception';
import { readPage, setLinkHeader } from '../http/paging';
import { arrayParam, booleanParam, stringParam } from '../http/params';
import { Scope } from '../http/scopes.decorator';
import { AccountSerializer } from '../serializers/account.serializer';
import type { MastodonAccount, MastodonList } from '../serializers/mastodon-entities';
import { toMastodonList } from './list.serializer';

type Params = Record<string, unknown>;

/** Mastodon's page of list members: 40 by default, at most 80, and `limit=0` for all of them. */
const MEMBERS_PAGE = { limit: 40, max: 80 };

/** A list's title, replies policy and exclusive flag as given (absent ones stay undefined). */
function listChanges(body: Params | undefined): ListChanges {
  const input = body ?? {};
  return {
    title: stringParam(input.title),
    repliesPolicy: stringParam(input.replies_policy),
    exclusive: input.exclusive === undefined ? undefined : booleanParam(input.exclusive),
  };
}

/** `account_ids[]` from the body, or from the query string (clients send DELETE without a body). */
function accountIds(body: Params | undefined, query: Params): string[] {
  const ids = arrayParam(body, 'account_ids');
  return ids.length ? ids : arrayParam(query, 'account_ids');
}

/** `/api/v1/lists`: the viewer's lists and their members, through the social lib's ListService. */
@MastodonController('api/v1/lists')
export class ListsController {
  constructor(
    private readonly lists: ListService,
    private readonly accounts: AccountSerializer,
    private readonly config: ConfigService,
  ) {}

  @Get()
  @Scope('read:lists')
  async index(@CurrentAuth() auth: AuthContext): Promise<MastodonList[]> {
    return (await this.lists.findOwned(auth.accountId)).map(toMastodonList);
  }

  @Get(':id')
  @Scope('read:lists')
  async show(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<MastodonList> {
    return toMastodonList(await this.lists.get(auth.accountId, id));
  }

  @MastodonPost()
  @Scope('write:lists')
  async create(@CurrentAuth() auth: AuthContext, @Body() body: Params | undefined): Promise<MastodonList> {
    return toMastodonList(await this.lists.create(auth.accountId, listChanges(body)));
  }

  @Put(':id')
  @Scope('write:lists')
  async update(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: Params | undefined,
  ): Promise<MastodonList> {
    return toMastodonList(await this.lists.update(auth.accountId, id, listChanges(body)));
  }

  @Delete(':id')
  @Scope('write:lists')
  async destroy(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<Record<string, never>> {
    await this.lists.delete(auth.accountId, id);
    return {};
  }

  @Get(':id/accounts')
  @Scope('read:lists')
  async members(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Query() query: Params,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MastodonAccount[]> {
    const all = query.limit === '0' || query.limit === 0;
    const page = readPage(query, MEMBERS_PAGE);
    const members = await this.lists.members(auth.accountId, id, {
      maxId: page.maxId,
      sinceId: page.sinceId,
      limit: all ? null : page.limit,
    });
    if (!all) {
      setLinkHeader(
        request,
        reply,
        this.config.values.publicOrigin,
        members.map((member) => member.id),
        { next: members.length === page.limit },
      );
    }
    return members.map((member) => this.accounts.serialize(member.account));
  }

  @MastodonPost(':id/accounts')
  @Scope('write:lists')
  async addMembers(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: Params | undefined,
    @Query() query: Params,
  ): Promise<Record<string, never>> {
    await this.lists.addMembers(auth.accountId, id, accountIds(body, query));
    return {};
  }

  @Delete(':id/accounts')
  @Scope('write:lists')
  async removeMembers(
    @CurrentAuth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: Params | undefined,
    @Query() query: Params,
  ): Promise<Record<string, never>> {
    await this.lists.removeMembers(auth.accountId, id, accountIds(body, query));
    return {};
  }
}

/** `GET /api/v1/accounts/:id/lists`: which of the viewer's lists hold the account. */
@MastodonController('api/v1/accounts')
export class AccountListsController {
  constructor(
    private readonly lists: ListService,
    private readonly accounts: AccountService,
  ) {}

  @Get(':id/lists')
  @Scope('read:lists')
  async containing(@CurrentAuth() auth: AuthContext, @Param('id') id: string): Promise<MastodonList[]> {
    const account = UUID_PATTERN.test(id) ? await this.accounts.findById(id.toLowerCase()) : null;
    if (!account) throw MastodonException.notFound();
    return (await this.lists.containing(auth.accountId, account.id)).map(toMastodonList);
  }
}
