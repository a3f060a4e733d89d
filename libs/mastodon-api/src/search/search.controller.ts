import { Get, HttpStatus, Query, Req } from '@nestjs/common';
import { ConfigService, UUID_PATTERN } from '@guildhall/core';
import { localPostUri, type PostEntity, SearchService, type SearchKind, VISIBLE_POST_BY_ID } from '@guildhall/content';
import {
  AccountService,
  CurrentAuth,
  Public,
  scopeAllows,
  type AccountEntity,
  type AuthContext,
} from '@guildhall/identity';
import { MastodonController } from '../http/mastodon-controller.decorator';
import { MastodonLoaders } from '../http/mastodon-request';
import { MastodonException } from '../http/mastodon.exception';
import { readPage } from '../http/paging';
import { booleanParam, stringParam } from '../http/params';
import { AccountSerializer } from '../serializers/account.serializer';
import { type SerializeContext, StatusSerializer } from '../serializers/status.serializer';
import type { MastodonSearchResults } from './search.entities';

const KINDS: Record<string, SearchKind> = { accounts: 'accounts', statuses: 'posts', hashtags: 'hashtags' };
/** Mastodon caps `offset` pages too; a deep offset is a scan. */
const MAX_OFFSET = 10_000;
const OUTSIDE_SCOPES = 'This action is outside the authorized scopes';
const HANDLE = /^@?[^@\s/]+@[^@\s/]+$/;

/**
 * `GET /api/v2/search`: the content lib's search (one rate limit, the visibility rule) and, with
 * `resolve=true` and a token, a remote account by handle or actor URL through identity's remote
 * lookup (federation's guarded client: SSRF rules, domain blocks, RemoteLookupLimiter), and a
 * local post by its URL. `following=true` keeps the accounts the reader follows.
 */
@MastodonController('api/v2/search')
export class SearchController {
  constructor(
    private readonly search: SearchService,
    private readonly accounts: AccountService,
    private readonly accountSerializer: AccountSerializer,
    private readonly statuses: StatusSerializer,
    private readonly loaders: MastodonLoaders,
    private readonly config: ConfigService,
  ) {}

  @Get()
  @Public()
  async searchAll(
    @CurrentAuth() auth: AuthContext | undefined,
    @Query() query: Record<string, unknown>,
    @Req() request: { user?: AuthContext },
  ): Promise<MastodonSearchResults> {
    // Readable anonymously (as Mastodon's); a token must hold read:search.
    if (auth && !scopeAllows(auth.scopes, 'read:search')) throw MastodonException.forbidden(OUTSIDE_SCOPES);
    const q = (stringParam(query.q) ?? '').trim();
    if (!q) throw MastodonException.unprocessable('q is required');
    if (q.length > 500) throw MastodonException.unprocessable('q is too long');
    const type = stringParam(query.type);
    if (type !== undefined && type !== '' && !(type in KINDS)) {
      throw MastodonException.unprocessable('type must be accounts, statuses or hashtags');
    }
    const resolve = booleanParam(query.resolve);
    const followingOnly = booleanParam(query.following);
    const offset = this.offset(query.offset);
    if (!auth && resolve) {
      throw new MastodonException(
        HttpStatus.UNAUTHORIZED,
        'Search queries that resolve remote resources are not supported without authentication',
      );
    }
    if (!auth && offset > 0) {
      throw new MastodonException(
        HttpStatus.UNAUTHORIZED,
        'Search queries pagination is not supported without authentication',
      );
    }
    const accountId = stringParam(query.account_id);
    if (accountId !== undefined && !UUID_PATTERN.test(accountId)) return { accounts: [], statuses: [], hashtags: [] };
    const page = readPage(query);
    const kinds = type ? [KINDS[type]] : undefined;
    const context = this.loaders.of(request);
    const resolved = resolve && offset === 0 ? await this.resolve(q, kinds, context) : {};
    const found = await this.search.searchAll(auth?.accountId ?? null, {
      text: q,
      kinds,
      limit: page.limit,
      offset,
      followingOnly,
      posts: { accountId: accountId?.toLowerCase(), maxId: page.maxId, minId: page.minId },
    });
    // A resolved account leads unless only followed accounts were asked for (the search kept those).
    const lead = resolved.account && !followingOnly ? [resolved.account] : [];
    const accounts = uniqueById([...lead, ...found.accounts]);
    const posts = uniqueById([...(resolved.post ? [resolved.post] : []), ...found.posts]);
    return {
      accounts: accounts.slice(0, page.limit).map((account) => this.accountSerializer.serialize(account)),
      statuses: await this.statuses.serializeMany(posts.slice(0, page.limit), context),
      hashtags: found.hashtags.map((name) => ({
        name,
        url: `${this.config.values.publicOrigin}/tags/${encodeURIComponent(name)}`,
        history: [],
      })),
    };
  }

  private offset(value: unknown): number {
    const text = stringParam(value);
    if (text === undefined || text === '') return 0;
    const offset = Number(text);
    if (!Number.isInteger(offset) || offset < 0 || offset > MAX_OFFSET) {
      throw MastodonException.unprocessable(`offset must be an integer from 0 to ${MAX_OFFSET}`);
    }
    return offset;
  }

  /**
   * What `q` names, looked up rather than matched: `user@host` / `@user@host` or an actor URL
   * (fetched when not known), or one of our own posts by its URL (under the visibility rule).
   */
  private async resolve(
    q: string,
    kinds: SearchKind[] | undefined,
    context: SerializeContext,
  ): Promise<{ account?: AccountEntity; post?: PostEntity }> {
    const wants = (kind: SearchKind) => !kinds || kinds.includes(kind);
    if (HANDLE.test(q)) {
      if (!wants('accounts')) return {};
      return { account: (await this.accounts.findByHandle(q)) ?? undefined };
    }
    if (!/^https?:\/\//i.test(q)) return {};
    const origin = this.config.values.publicOrigin;
    const postPrefix = localPostUri(origin, '');
    if (q.startsWith(postPrefix)) {
      const id = q.slice(postPrefix.length).split(/[/?#]/)[0];
      if (!wants('posts') || !UUID_PATTERN.test(id)) return {};
      const post = await context.loaders.get(VISIBLE_POST_BY_ID).load(id.toLowerCase());
      return { post: post ?? undefined };
    }
    if (!wants('accounts')) return {};
    const local = new RegExp(`^${escapeRegExp(origin)}/(?:users/|@)([a-z0-9_]+)/?$`, 'i').exec(q);
    if (local) return { account: (await this.accounts.findByHandle(local[1], { resolveRemote: false })) ?? undefined };
    return { account: (await this.accounts.findByActorUri(q)) ?? undefined };
  }
}

function uniqueById<T extends { id: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.id) && seen.add(item.id));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
