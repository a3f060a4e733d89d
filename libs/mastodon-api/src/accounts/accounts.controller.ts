import { Get, Param, Query, Req, Res } from '@nestjs/common';
import { ConfigService, UUID_PATTERN } from '@guildhall/core';
import { PinService, SearchLimiter, SearchRepository, TimelineRepository } from '@guildhall/content';
import {
  ACCOUNT_BY_ID,
  type AccountEntity,
  AccountService,
  type AuthContext,
  CurrentAuth,
  IdentityErrorCode,
  IdentityException,
  Public,
} from '@guildhall/identity';
import { FollowService, VIEWER_RELATIONSHIP } from '@guildhall/social';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MastodonLoaders } from '../http/mastodon-request';
import { MastodonController } from '../http/mastodon-controller.decorator';
import { MastodonException } from '../http/mastodon.exception';
import { type MastodonPage, readPage, setLinkHeader } from '../http/paging';
import { arrayParam, booleanParam, stringParam } from '../http/params';
import { Scope } from '../http/scopes.decorator';
import { AccountSerializer } from '../serializers/account.serializer';
import type { MastodonAccount, MastodonRelationship, MastodonStatus } from '../serializers/mastodon-entities';
import { StatusSerializer } from '../serializers/status.serializer';
import { StatusPage } from '../timelines/status-page';
import { AccountLookup } from './account-lookup.service';
import { toMastodonRelationship } from './relationship.serializer';

type QueryParams = Record<string, unknown>;
/** The request as the AuthGuard leaves it (MastodonLoaders reads the viewer from it). */
type Request = FastifyRequest & { user?: AuthContext };

/** Mastodon's bounds for account searches: 40 by default, at most 80. */
const SEARCH_LIMITS = { limit: 40, max: 80 };
/** At most this many ids in one `relationships` or `accounts?id[]=` request. */
const MAX_RELATIONSHIP_IDS = 80;
/** Familiar followers shown per account. */
const FAMILIAR_PER_ACCOUNT = 10;
const REMOTE_HANDLE = /^@?[^@\s]+@[^@\s]+$/;

/** Reading accounts: by id or handle, search, relationships, an account's posts and follows. */
@MastodonController('api/v1/accounts')
export class AccountsController {
  constructor(
    private readonly lookup: AccountLookup,
    private readonly accounts: AccountService,
    private readonly search: SearchRepository,
    private readonly searchLimiter: SearchLimiter,
    private readonly timelines: TimelineRepository,
    private readonly pages: StatusPage,
    private readonly pins: PinService,
    private readonly follows: FollowService,
    private readonly serializer: AccountSerializer,
    private readonly statuses: StatusSerializer,
    private readonly loaders: MastodonLoaders,
    private readonly config: ConfigService,
  ) {}

  /** `?acct=alice` or `alice@host`, as known here (no lookup over the network). */
  @Public()
  @Get('lookup')
  async lookupAcct(@Query() query: QueryParams): Promise<MastodonAccount> {
    const acct = stringParam(query.acct)?.trim();
    if (!acct) throw MastodonException.unprocessable('Missing acct');
    return this.serializer.serialize(await this.lookup.byAcct(acct));
  }

  /**
   * Accounts by username or display name (the search budget of GraphQL's searchAll);
   * `resolve=true` looks an unknown `user@host` up over WebFinger (RemoteAccountResolvers: its
   * per-request and per-address limits and the guarded outbound client), `following=true` keeps
   * the accounts the member follows.
   */
  @Scope('read:accounts')
  @Get('search')
  async searchAccounts(@CurrentAuth() auth: AuthContext, @Query() query: QueryParams): Promise<MastodonAccount[]> {
    const q = stringParam(query.q)?.trim() ?? '';
    if (!q) throw MastodonException.unprocessable('Missing q');
    if (q.length > 200) throw MastodonException.unprocessable('q is at most 200 characters');
    const { limit } = readPage(query, SEARCH_LIMITS);
    const followingOnly = booleanParam(query.following);
    const offsetText = stringParam(query.offset) ?? '0';
    if (!/^\d{1,4}$/.test(offsetText)) throw MastodonException.unprocessable('offset must be 0 to 9999');
    const offset = Number(offsetText);
    await this.searchLimiter.consume(auth.accountId);
    // The exact handle leads the first page only.
    const exact = REMOTE_HANDLE.test(q) && offset === 0 ? await this.exactHandle(q, booleanParam(query.resolve)) : null;
    const text = q.replace(/^@/, '').split('@')[0];
    const found = await this.search.accounts(text, auth.accountId, limit, { followingOnly, offset });
    const results = exact && !exact.suspendedAt && !followingOnly ? [exact] : [];
    for (const account of found) {
      if (results.length >= limit) break;
      if (!results.some((known) => known.id === account.id)) results.push(account);
    }
    return results.map((account) => this.serializer.serialize(account));
  }

  /** `?id[]=…`: how the member relates to each known account (one query through the request's loader). */
  @Scope('read:follows')
  @Get('relationships')
  async relationships(@Req() request: Request, @Query() query: QueryParams): Promise<MastodonRelationship[]> {
    const ids = [...new Set(arrayParam(query, 'id').map((id) => id.toLowerCase()))];
    if (ids.length > MAX_RELATIONSHIP_IDS) {
      throw MastodonException.unprocessable(`At most ${MAX_RELATIONSHIP_IDS} ids at a time`);
    }
    const { loaders } = this.loaders.of(request);
    const known = await this.knownAccounts(request, ids);
    const relations = await Promise.all(known.map((id) => loaders.get(VIEWER_RELATIONSHIP).load(id)));
    return known.map((id, index) => toMastodonRelationship(id, relations[index]));
  }

  /**
   * `?id[]=…`: for each known account, the accounts the member follows that follow it (at most
   * FAMILIAR_PER_ACCOUNT × ids, newest follow first).
   */
  @Scope('read:follows')
  @Get('familiar_followers')
  async familiarFollowers(
    @CurrentAuth() auth: AuthContext,
    @Req() request: Request,
    @Query() query: QueryParams,
  ): Promise<{ id: string; accounts: MastodonAccount[] }[]> {
    const ids = [...new Set(arrayParam(query, 'id').map((id) => id.toLowerCase()))];
    if (ids.length > MAX_RELATIONSHIP_IDS) {
      throw MastodonException.unprocessable(`At most ${MAX_RELATIONSHIP_IDS} ids at a time`);
    }
    const known = await this.knownAccounts(request, ids);
    const follows = await this.follows.familiarFollows(auth.accountId, known, known.length * FAMILIAR_PER_ACCOUNT);
    return known.map((id) => ({
      id,
      accounts: follows
        .filter((follow) => follow.followeeId === id)
        .slice(0, FAMILIAR_PER_ACCOUNT)
        .map((follow) => this.serializer.serialize(follow.follower)),
    }));
  }

  /** `GET /api/v1/accounts?id[]=…`: the known, unsuspended accounts among the ids, in the order asked. */
  @Public()
  @Get()
  async several(@Req() request: Request, @Query() query: QueryParams): Promise<MastodonAccount[]> {
    const ids = [...new Set(arrayParam(query, 'id').map((id) => id.toLowerCase()))];
    if (ids.length > MAX_RELATIONSHIP_IDS) {
      throw MastodonException.unprocessable(`At most ${MAX_RELATIONSHIP_IDS} ids at a time`);
    }
    const { loaders } = this.loaders.of(request);
    const known = await this.knownAccounts(request, ids);
    const accounts = await Promise.all(known.map((id) => loaders.get(ACCOUNT_BY_ID).load(id)));
    return accounts.flatMap((account) => (account ? [this.serializer.serialize(account)] : []));
  }

  @Public()
  @Get(':id')
  async show(@Param('id') id: string): Promise<MastodonAccount> {
    return this.serializer.serialize(await this.lookup.byId(id));
  }

  /**
   * The account's posts the reader may see (the content lib's account timeline, the one
   * visibility rule, the viewer's `account` filters), newest first, paged by `max_id`,
   * `since_id` or `min_id` with Link headers. `pinned=true`: the account's pins the reader may
   * see (at most MAX_PINNED_POSTS, latest pin first), within the same id bounds.
   */
  @Public()
  @Get(':id/statuses')
  async accountStatuses(
    @Param('id') id: string,
    @Query() query: QueryParams,
    @Req() request: Request,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MastodonStatus[]> {
    const account = await this.lookup.byId(id);
    const page = readPage(query);
    const context = this.loaders.of(request);
    if (booleanParam(query.pinned)) return this.pinned(account.id, page, request);
    const tagged = stringParam(query.tagged)?.trim().replace(/^#/, '').toLowerCase() || null;
    const rows = await this.timelines.account(
      {
        viewerId: context.viewerId,
        afterId: page.maxId,
        sinceId: page.sinceId,
        minId: page.minId,
        limit: page.limit,
        withExtras: true,
      },
      account.id,
      {
        excludeReplies: booleanParam(query.exclude_replies),
        excludeReblogs: booleanParam(query.exclude_reblogs),
        onlyMedia: booleanParam(query.only_media),
        tagged,
      },
    );
    return this.pages.timeline(request, reply, rows, page.limit, 'account');
  }

  /**
   * Pins are few (MAX_PINNED_POSTS): read whole, then bounded by the page's ids. No Link header,
   * as Mastodon sends none for `pinned`.
   */
  private async pinned(accountId: string, page: MastodonPage, request: Request): Promise<MastodonStatus[]> {
    const context = this.loaders.of(request);
    const posts = (await this.pins.pinnedPosts(accountId, context.viewerId))
      .filter((post) => (!page.maxId || post.id < page.maxId) && (!page.sinceId || post.id > page.sinceId))
      .filter((post) => !page.minId || post.id > page.minId)
      .slice(0, page.limit);
    return this.statuses.serializeMany(posts, { ...context, filterContext: 'account' });
  }

  /** Guildhall keeps no featured tags: an existing account's list is empty. */
  @Public()
  @Get(':id/featured_tags')
  async featuredTags(@Param('id') id: string): Promise<never[]> {
    await this.lookup.byId(id);
    return [];
  }

  @Public()
  @Get(':id/followers')
  followers(
    @Param('id') id: string,
    @Query() query: QueryParams,
    @Req() request: Request,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MastodonAccount[]> {
    return this.followList('followers', id, query, request, reply);
  }

  @Public()
  @Get(':id/following')
  following(
    @Param('id') id: string,
    @Query() query: QueryParams,
    @Req() request: Request,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MastodonAccount[]> {
    return this.followList('following', id, query, request, reply);
  }

  /** Accepted follows of or by the account, newest follow first, paged by the follow's id (Link). */
  private async followList(
    direction: 'followers' | 'following',
    id: string,
    query: QueryParams,
    request: Request,
    reply: FastifyReply,
  ): Promise<MastodonAccount[]> {
    const account = await this.lookup.byId(id);
    const rows = await this.follows.acceptedPage(direction, account.id, readPage(query));
    setLinkHeader(
      request,
      reply,
      this.config.values.publicOrigin,
      rows.map((row) => row.id),
    );
    return rows.map((row) => this.serializer.serialize(direction === 'followers' ? row.follower : row.followee));
  }

  /** The ids of accounts that exist and are not suspended, in the order asked. */
  private async knownAccounts(request: Request, ids: string[]): Promise<string[]> {
    const { loaders } = this.loaders.of(request);
    const valid = ids.filter((id) => UUID_PATTERN.test(id));
    const accounts = await Promise.all(valid.map((id) => loaders.get(ACCOUNT_BY_ID).load(id)));
    return valid.filter((_, index) => {
      const account: AccountEntity | null | undefined = accounts[index];
      return account && !account.suspendedAt;
    });
  }

  /** `user@host` exactly: known here, or (with `resolve`) looked up over federation; null when none. */
  private async exactHandle(handle: string, resolve: boolean): Promise<AccountEntity | null> {
    try {
      return await this.accounts.findByHandle(handle, { resolveRemote: resolve });
    } catch (error) {
      // Not a handle that can be looked up: the text search still answers.
      if (error instanceof IdentityException && error.reason === IdentityErrorCode.InvalidHandle) return null;
      throw error;
    }
  }
}
