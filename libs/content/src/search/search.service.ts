import { Injectable } from '@nestjs/common';
import { ConfigService, UUID_PATTERN } from '@guildhall/core';
import { AccountService, type AccountEntity } from '@guildhall/identity';
import type { PostEntity } from '../posts/post.entity';
import { localPostUri } from '../posts/post.mapper';
import { PostRepository } from '../posts/post.repository';
import { RemotePostResolvers } from './remote-post.resolver';
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
  /**
   * Look `text` up as well when it names one thing (`user@host`, an actor's or a post's URL),
   * fetching it from its server when not known here. Signed-in readers only; callers decide.
   */
  resolve?: boolean;
}

export interface SearchResults {
  accounts: AccountEntity[];
  hashtags: string[];
  posts: PostEntity[];
}

/** What a resolved query named. */
interface Resolved {
  account?: AccountEntity;
  post?: PostEntity;
}

const HANDLE = /^@?[^@\s/]+@[^@\s/]+$/;

/**
 * One search for both APIs (GraphQL `searchAll`, Mastodon's `/api/v2/search`): one rate limit,
 * one visibility rule. "#tag" searches hashtags only, "@name" accounts only. With `resolve`, a
 * handle or URL is looked up as Mastodon's ResolveURLService does: remote accounts through
 * identity's remote lookup, remote posts through the federation lib's RemotePostResolvers (both
 * behind the one guarded outbound client), each resolve spending one more search of the budget.
 */
@Injectable()
export class SearchService {
  constructor(
    private readonly search: SearchRepository,
    private readonly limiter: SearchLimiter,
    private readonly accounts: AccountService,
    private readonly posts: PostRepository,
    private readonly remotePosts: RemotePostResolvers,
    private readonly config: ConfigService,
  ) {}

  /** `viewerId` null: an anonymous search (Mastodon allows one), limited per client address. */
  async searchAll(viewerId: string | null, query: SearchQuery): Promise<SearchResults> {
    await this.limiter.consume(viewerId);
    const text = query.text.trim();
    const bare = text.replace(/^[#@]/, '');
    const wants = (kind: SearchKind) => !query.kinds || query.kinds.includes(kind);
    const { limit } = query;
    const offset = query.offset ?? 0;
    const resolved = query.resolve && viewerId ? await this.resolve(text, viewerId, wants) : {};
    const [accounts, hashtags, posts] = await Promise.all([
      !wants('accounts') || text.startsWith('#')
        ? []
        : this.search.accounts(bare.split('@')[0], viewerId, limit, { offset, followingOnly: query.followingOnly }),
      !wants('hashtags') || text.startsWith('@') ? [] : this.search.hashtags(bare, viewerId, limit, offset),
      !wants('posts') || text.startsWith('@') || text.startsWith('#')
        ? []
        : this.search.posts(text, viewerId, limit, offset, query.posts),
    ]);
    // A resolved account leads unless only followed accounts were asked for (the search kept those).
    const lead = resolved.account && !query.followingOnly ? [resolved.account] : [];
    return {
      accounts: uniqueById([...lead, ...accounts]).slice(0, limit),
      hashtags,
      posts: uniqueById([...(resolved.post ? [resolved.post] : []), ...posts]).slice(0, limit),
    };
  }

  /**
   * What `text` names, looked up rather than matched: `user@host` / `@user@host`, one of our own
   * posts or profiles by its URL (under the visibility rule), a known remote actor by its id, or
   * else whatever a remote URL serves: a post (fetched, verified and stored, shown only when the
   * reader may see it) or an actor.
   */
  private async resolve(text: string, viewerId: string, wants: (kind: SearchKind) => boolean): Promise<Resolved> {
    if (HANDLE.test(text)) {
      if (!wants('accounts')) return {};
      return { account: (await this.accounts.findByHandle(text)) ?? undefined };
    }
    if (!/^https?:\/\//i.test(text)) return {};
    const origin = this.config.values.publicOrigin;
    const postPrefix = localPostUri(origin, '');
    if (text.startsWith(postPrefix)) {
      const id = text.slice(postPrefix.length).split(/[/?#]/)[0];
      if (!wants('posts') || !UUID_PATTERN.test(id)) return {};
      return { post: (await this.posts.findVisible(id.toLowerCase(), viewerId)) ?? undefined };
    }
    const local = new RegExp(`^${escapeRegExp(origin)}/(?:users/|@)([a-z0-9_]+)/?$`, 'i').exec(text);
    if (local) {
      if (!wants('accounts')) return {};
      return { account: (await this.accounts.findByHandle(local[1], { resolveRemote: false })) ?? undefined };
    }
    if (text.startsWith(`${origin}/`)) return {};
    if (wants('accounts')) {
      const known = await this.accounts.findByActorUri(text, { resolveRemote: false });
      if (known) return { account: known };
    }
    if (!wants('posts')) return { account: (await this.accounts.findByActorUri(text)) ?? undefined };
    // A remote fetch, and possibly a stored post: one more search of the reader's budget.
    await this.limiter.consume(viewerId);
    const found = await this.remotePosts.resolvePost(text, viewerId);
    if ('post' in found) return { post: found.post };
    if ('actorUri' in found && wants('accounts')) {
      return { account: (await this.accounts.findByActorUri(found.actorUri)) ?? undefined };
    }
    return {};
  }
}

function uniqueById<T extends { id: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.id) && seen.add(item.id));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
