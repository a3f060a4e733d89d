import { Get, HttpStatus, Query, Req } from '@nestjs/common';
import { ConfigService, UUID_PATTERN } from '@guildhall/core';
import { SearchService, type SearchKind } from '@guildhall/content';
import { CurrentAuth, Public, scopeAllows, type AuthContext } from '@guildhall/identity';
import { MastodonController } from '../http/mastodon-controller.decorator';
import { MastodonLoaders } from '../http/mastodon-request';
import { MastodonException } from '../http/mastodon.exception';
import { readPage } from '../http/paging';
import { booleanParam, stringParam } from '../http/params';
import { AccountSerializer } from '../serializers/account.serializer';
import { StatusSerializer } from '../serializers/status.serializer';
import type { MastodonSearchResults } from './search.entities';

const KINDS: Record<string, SearchKind> = { accounts: 'accounts', statuses: 'posts', hashtags: 'hashtags' };
/** Mastodon caps `offset` pages too; a deep offset is a scan. */
const MAX_OFFSET = 10_000;
const OUTSIDE_SCOPES = 'This action is outside the authorized scopes';

/**
 * `GET /api/v2/search`: the content lib's search (one rate limit, the visibility rule) and, with
 * `resolve=true` and a token, what `q` names looked up there too: a remote account by handle or
 * actor URL, a local post or profile by its URL, or a remote post by its URL (fetched, verified
 * and stored by the federation lib, ADR 0052), all through federation's guarded client.
 * `following=true` keeps the accounts the reader follows.
 */
@MastodonController('api/v2/search')
export class SearchController {
  constructor(
    private readonly search: SearchService,
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
    const found = await this.search.searchAll(auth?.accountId ?? null, {
      text: q,
      kinds: type ? [KINDS[type]] : undefined,
      limit: page.limit,
      offset,
      followingOnly,
      posts: { accountId: accountId?.toLowerCase(), maxId: page.maxId, minId: page.minId },
      // Mastodon resolves on the first page only.
      resolve: resolve && offset === 0,
    });
    return {
      accounts: found.accounts.map((account) => this.accountSerializer.serialize(account)),
      statuses: await this.statuses.serializeMany(found.posts, this.loaders.of(request)),
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
}
