import { Injectable } from '@nestjs/common';
import type { AccountEntity } from '@guildhall/identity';
import type { PostEntity } from '../posts/post.entity';
import { SearchLimiter } from './search-limiter';
import { type PostBounds, SearchRepository } from './search.repository';

export type SearchKind = 'accounts' | 'hashtags' | 'posts';

export interface SearchQuery {
  text: string;
  /** Only these kinds (all when omitted). */
  kinds?: SearchKind[];
  limit: number;
  offset?: number;
  /** Accounts only: those the viewer follows (none for an anonymous search). */
  followingOnly?: boolean;
  /** Posts only: one account's, older than / newer than an id. */
  posts?: PostBounds;
}

export interface SearchResults {
  accounts: AccountEntity[];
  hashtags: string[];
  posts: PostEntity[];
}

/**
 * One search for both APIs (GraphQL `searchAll`, Mastodon's `/api/v2/search`): one rate limit,
 * one visibility rule. "#tag" searches hashtags only, "@name" accounts only.
 */
@Injectable()
export class SearchService {
  constructor(
    private readonly search: SearchRepository,
    private readonly limiter: SearchLimiter,
  ) {}

  /** `viewerId` null: an anonymous search (Mastodon allows one), limited per client address. */
  async searchAll(viewerId: string | null, query: SearchQuery): Promise<SearchResults> {
    await this.limiter.consume(viewerId);
    const text = query.text.trim();
    const bare = text.replace(/^[#@]/, '');
    const wants = (kind: SearchKind) => !query.kinds || query.kinds.includes(kind);
    const { limit } = query;
    const offset = query.offset ?? 0;
    const [accounts, hashtags, posts] = await Promise.all([
      !wants('accounts') || text.startsWith('#')
        ? []
        : this.search.accounts(bare.split('@')[0], viewerId, limit, { offset, followingOnly: query.followingOnly }),
      !wants('hashtags') || text.startsWith('@') ? [] : this.search.hashtags(bare, viewerId, limit, offset),
      !wants('posts') || text.startsWith('@') || text.startsWith('#')
        ? []
        : this.search.posts(text, viewerId, limit, offset, query.posts),
    ]);
    return { accounts, hashtags, posts };
  }
}
