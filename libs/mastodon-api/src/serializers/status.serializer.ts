import { Injectable } from '@nestjs/common';
import { ConfigService, type RequestLoaders } from '@guildhall/core';
import {
  FilterMatcher,
  type FilterContext,
  type PostFilter,
  HASHTAGS_BY_POST_ID,
  localPostUri,
  MEDIA_VIEWS_BY_POST_ID,
  type MediaView,
  MENTIONS_BY_POST_ID,
  POLL_BY_POST_ID,
  type PollView,
  type PostEntity,
  type TimelinePost,
  toMediaView,
  VIEWER_HAS_BOOKMARKED,
  VIEWER_HAS_BOOSTED,
  VIEWER_HAS_LIKED,
  VIEWER_HAS_MUTED,
  VIEWER_HAS_PINNED,
  VISIBLE_POST_BY_ID,
  Visibility,
} from '@guildhall/content';
import { ACCOUNT_BY_ID, type AccountEntity } from '@guildhall/identity';
import { AccountSerializer } from './account.serializer';
import { toMastodonFilterResult } from './filter.serializer';
import type { MastodonMention, MastodonStatus, MastodonVisibility } from './mastodon-entities';
import { toMastodonMedia } from './media.serializer';
import { toMastodonPoll } from './poll.serializer';

const VISIBILITY: Record<Visibility, MastodonVisibility> = {
  [Visibility.Public]: 'public',
  [Visibility.Unlisted]: 'unlisted',
  [Visibility.Followers]: 'private',
  [Visibility.Direct]: 'direct',
};

/** Guildhall's visibility for a Mastodon one (undefined for a name Mastodon does not have). */
export function visibilityFromMastodon(value: string): Visibility | undefined {
  return (Object.entries(VISIBILITY) as [Visibility, MastodonVisibility][]).find(([, name]) => name === value)?.[0];
}

export function toMastodonVisibility(visibility: Visibility): MastodonVisibility {
  return VISIBILITY[visibility];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A request's compiled filters, keyed by its loaders (which live exactly as long as the request). */
const FILTERS_BY_REQUEST = new WeakMap<RequestLoaders, Map<FilterContext, Promise<PostFilter>>>();

/** What a request's serialization reads: its loaders (one batch per kind per tick) and who reads. */
export interface SerializeContext {
  loaders: RequestLoaders;
  viewerId: string | null;
  /** Apply the viewer's filters of this context: `filtered` on warn/blur, hidden ones dropped. */
  filterContext?: FilterContext;
  /** Known from the statement that read the page: the viewer has no filter, so none is loaded. */
  viewerHasNoFilters?: boolean;
}

/** The viewer's own marks on a status (none for an anonymous reader: Mastodon leaves them out). */
type ViewerState =
  | Record<string, never>
  | { favourited: boolean; reblogged: boolean; bookmarked: boolean; muted: boolean; pinned: boolean };

/** What a post's own status shows beside the post, however it was gathered. */
interface StatusParts {
  author: AccountEntity;
  media: MediaView[];
  poll: PollView | null;
  hashtags: string[];
  mentioned: AccountEntity[];
  viewerState: ViewerState;
}

/**
 * Posts as Mastodon `Status` entities. Everything a page of statuses needs is read through the
 * request's DataLoaders, so a page costs one query per kind of data, as a GraphQL page does.
 * A boost whose original the viewer may not see is left out (`serializeMany`) or null.
 */
@Injectable()
export class StatusSerializer {
  constructor(
    private readonly config: ConfigService,
    private readonly accounts: AccountSerializer,
    private readonly filters: FilterMatcher,
  ) {}

  /** Statuses in order; left out: boosts of what the viewer may not see, and what a `hide` filter matches. */
  async serializeMany(posts: PostEntity[], context: SerializeContext): Promise<MastodonStatus[]> {
    this.prime(posts, context);
    const [rendered, filter] = await Promise.all([
      Promise.all(posts.map((post) => this.serializeOne(post, context))),
      this.filterOf(context),
    ]);
    return rendered
      .filter((status): status is MastodonStatus => status !== null)
      .flatMap((status) => this.applyFilter(status, filter));
  }

  async serialize(post: PostEntity, context: SerializeContext): Promise<MastodonStatus | null> {
    this.prime([post], context);
    const [status, filter] = await Promise.all([this.serializeOne(post, context), this.filterOf(context)]);
    return status ? (this.applyFilter(status, filter)[0] ?? null) : null;
  }

  /**
   * A timeline page's statuses, exactly as serializeMany gives them. A row read with its extras
   * (and, for a boost, its original) carries everything its status shows, so it is rendered at
   * once from the row. Only a row that needs a lookup the row cannot answer goes through the
   * loaders, primed with what the page read: a poll (its tallies and the viewer's votes), a
   * conversation the viewer may have muted, a mentioned account that is not on the page, a
   * boost whose original is not in its row.
   */
  async serializeTimeline(rows: TimelinePost[], context: SerializeContext): Promise<MastodonStatus[]> {
    const onPage = new Map<string, AccountEntity>();
    for (const row of rows) {
      onPage.set(row.account.id, row.account);
      if (row.original) onPage.set(row.original.account.id, row.original.account);
    }
    const filter = this.filterOf(context);
    const statuses = new Array<MastodonStatus | null>(rows.length);
    const pending: Promise<void>[] = [];
    rows.forEach((row, i) => {
      const status = this.fromRow(row, onPage, context);
      if (status) {
        statuses[i] = status;
        return;
      }
      // The first row the loaders must finish: every account of the page is theirs to read.
      if (!pending.length) {
        const accounts = context.loaders.get(ACCOUNT_BY_ID);
        for (const account of onPage.values()) accounts.prime(account.id, account);
      }
      pending.push(this.primeAndSerialize(row, context).then((loaded) => void (statuses[i] = loaded)));
    });
    const [, applied] = await Promise.all([Promise.all(pending), filter]);
    return statuses
      .filter((status): status is MastodonStatus => status !== null)
      .flatMap((status) => this.applyFilter(status, applied));
  }

  /** The row's status from the row alone, or undefined when it needs a lookup (serializeTimeline). */
  private fromRow(
    row: TimelinePost,
    onPage: ReadonlyMap<string, AccountEntity>,
    context: SerializeContext,
  ): MastodonStatus | undefined {
    const extras = row.extras;
    if (!extras || extras.hasPoll || (context.viewerId && extras.viewerMutesConversations)) return undefined;
    const shown = row.boostOfId ? row.original : { post: row, account: row.account, media: row.media };
    if (!shown) return undefined;
    const mentioned: AccountEntity[] = [];
    for (const id of extras.mentionIds) {
      const account = onPage.get(id);
      if (!account) return undefined;
      mentioned.push(account);
    }
    const viewerState: ViewerState = context.viewerId
      ? {
          favourited: extras.liked,
          reblogged: extras.boosted,
          bookmarked: extras.bookmarked,
          muted: false,
          pinned: extras.pinned,
        }
      : {};
    const status = this.render(shown.post, {
      author: shown.account,
      media: shown.media.map((attachment) => toMediaView(attachment, this.origin)),
      poll: null,
      hashtags: extras.tags,
      mentioned,
      viewerState,
    });
    return row.boostOfId ? this.renderBoost(row, row.account, status, viewerState) : status;
  }

  /** A row the loaders must finish: primed with everything its row read first. */
  private primeAndSerialize(row: TimelinePost, context: SerializeContext): Promise<MastodonStatus | null> {
    const { loaders } = context;
    const origin = this.origin;
    loaders.get(MEDIA_VIEWS_BY_POST_ID).prime(
      row.id,
      row.media.map((attachment) => toMediaView(attachment, origin)),
    );
    const original = row.original;
    if (original) {
      loaders.get(VISIBLE_POST_BY_ID).prime(original.post.id, original.post);
      loaders.get(MEDIA_VIEWS_BY_POST_ID).prime(
        original.post.id,
        original.media.map((attachment) => toMediaView(attachment, origin)),
      );
    }
    const extras = row.extras;
    if (extras) {
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
    return this.serializeOne(row, context);
  }

  /** The viewer's filters for the context, loaded once per request and context. */
  private filterOf(context: SerializeContext): Promise<PostFilter | null> {
    const { viewerId, filterContext } = context;
    if (!viewerId || !filterContext || context.viewerHasNoFilters) return Promise.resolve(null);
    let perContext = FILTERS_BY_REQUEST.get(context.loaders);
    if (!perContext)
      FILTERS_BY_REQUEST.set(context.loaders, (perContext = new Map<FilterContext, Promise<PostFilter>>()));
    let filter = perContext.get(filterContext);
    if (!filter) perContext.set(filterContext, (filter = this.filters.forViewer(viewerId, filterContext)));
    return filter;
  }

  /**
   * [] when a `hide` filter matches; otherwise the status, `filtered` set when any filter matches.
   * Public for the live streams, which render a status once and apply each reader's filters.
   */
  applyFilter(status: MastodonStatus, filter: PostFilter | null): MastodonStatus[] {
    if (!filter) return [status];
    const shown = status.reblog ?? status;
    const results = filter(`${shown.spoiler_text}\n${shown.content}`, shown.id);
    if (!results.length) return [status];
    if (results.some((result) => result.filter.filter.action === 'hide')) return [];
    const filtered = results.map(toMastodonFilterResult);
    return [{ ...status, filtered, ...(status.reblog ? { reblog: { ...status.reblog, filtered } } : {}) }];
  }

  private prime(posts: PostEntity[], context: SerializeContext): void {
    const accounts = context.loaders.get(ACCOUNT_BY_ID);
    for (const post of posts) {
      if (post.account) accounts.prime(post.account.id, post.account);
    }
  }

  private async serializeOne(post: PostEntity, context: SerializeContext): Promise<MastodonStatus | null> {
    if (!post.boostOfId) return this.content(post, context);
    const original = await context.loaders.get(VISIBLE_POST_BY_ID).load(post.boostOfId);
    if (!original) return null;
    const [booster, reblog, viewerState] = await Promise.all([
      this.account(post, context),
      this.content(original, context),
      this.viewerState(original.id, context),
    ]);
    if (!booster || !reblog) return null;
    return this.renderBoost(post, booster, reblog, viewerState);
  }

  /** A boost: the original's status inside, the boost's own fields outside (Mastodon's shape). */
  private renderBoost(
    post: PostEntity,
    booster: AccountEntity,
    reblog: MastodonStatus,
    viewerState: ViewerState,
  ): MastodonStatus {
    return {
      ...reblog,
      ...viewerState,
      id: post.id,
      uri: post.local ? `${localPostUri(this.origin, post.id)}/activity` : (post.uri ?? ''),
      url: null,
      created_at: new Date(post.createdAt).toISOString(),
      account: this.accounts.serialize(booster),
      content: '',
      visibility: VISIBILITY[post.visibility],
      spoiler_text: '',
      sensitive: false,
      media_attachments: [],
      mentions: [],
      tags: [],
      reblogs_count: 0,
      favourites_count: 0,
      replies_count: 0,
      in_reply_to_id: null,
      in_reply_to_account_id: null,
      reblog,
      poll: null,
      language: null,
      edited_at: null,
    };
  }

  private get origin(): string {
    return this.config.values.publicOrigin;
  }

  private async account(post: PostEntity, context: SerializeContext): Promise<AccountEntity | null> {
    return post.account ?? (await context.loaders.get(ACCOUNT_BY_ID).load(post.accountId));
  }

  private async viewerState(postId: string, context: SerializeContext): Promise<ViewerState> {
    if (!context.viewerId) return {};
    const [favourited, reblogged, bookmarked, muted, pinned] = await Promise.all([
      context.loaders.get(VIEWER_HAS_LIKED).load(postId),
      context.loaders.get(VIEWER_HAS_BOOSTED).load(postId),
      context.loaders.get(VIEWER_HAS_BOOKMARKED).load(postId),
      context.loaders.get(VIEWER_HAS_MUTED).load(postId),
      context.loaders.get(VIEWER_HAS_PINNED).load(postId),
    ]);
    return { favourited, reblogged, bookmarked, muted, pinned };
  }

  private async content(post: PostEntity, context: SerializeContext): Promise<MastodonStatus | null> {
    const { loaders } = context;
    const [author, media, poll, hashtags, mentionIds, viewerState] = await Promise.all([
      this.account(post, context),
      loaders.get(MEDIA_VIEWS_BY_POST_ID).load(post.id),
      loaders.get(POLL_BY_POST_ID).load(post.id),
      loaders.get(HASHTAGS_BY_POST_ID).load(post.id),
      loaders.get(MENTIONS_BY_POST_ID).load(post.id),
      this.viewerState(post.id, context),
    ]);
    if (!author) return null;
    const mentioned = (await loaders.get(ACCOUNT_BY_ID).loadMany(mentionIds)).filter(
      (account): account is AccountEntity => !!account && !(account instanceof Error),
    );
    return this.render(post, { author, media, poll, hashtags, mentioned, viewerState });
  }

  /** A post's own status from what it shows beside the post (content(), or a timeline row). */
  private render(
    post: PostEntity,
    { author, media, poll, hashtags, mentioned, viewerState }: StatusParts,
  ): MastodonStatus {
    const mentions: MastodonMention[] = mentioned.map((account) => {
      const rendered = this.accounts.serialize(account);
      return { id: rendered.id, username: rendered.username, url: rendered.url, acct: rendered.acct };
    });
    const uri = post.local ? localPostUri(this.origin, post.id) : (post.uri ?? '');
    return {
      id: post.id,
      uri,
      url: post.local ? uri : (post.url ?? uri),
      created_at: new Date(post.createdAt).toISOString(),
      account: this.accounts.serialize(author),
      content: post.title !== null ? this.articleContent(post, uri) : post.content,
      visibility: VISIBILITY[post.visibility],
      sensitive: post.contentWarning !== null,
      spoiler_text: post.contentWarning ?? '',
      media_attachments: media.map(toMastodonMedia),
      application: null,
      mentions,
      tags: hashtags.map((name) => ({ name, url: `${this.origin}/tags/${encodeURIComponent(name)}` })),
      emojis: [],
      reblogs_count: post.boostsCount,
      favourites_count: post.likesCount,
      replies_count: post.repliesCount,
      in_reply_to_id: post.inReplyToId,
      in_reply_to_account_id: post.inReplyToAccountId,
      reblog: null,
      poll: poll ? toMastodonPoll(poll) : null,
      card: null,
      language: post.language,
      text: null,
      edited_at: post.editedAt ? new Date(post.editedAt).toISOString() : null,
      ...viewerState,
    };
  }

  /** An article reads as Mastodon shows a remote Article: its title, its excerpt and a link. */
  private articleContent(post: PostEntity, uri: string): string {
    const link = post.local ? uri : (post.url ?? uri);
    const parts = [`<h2>${escapeHtml(post.title ?? '')}</h2>`];
    if (post.summary) parts.push(`<p>${escapeHtml(post.summary)}</p>`);
    parts.push(`<p><a href="${escapeHtml(link)}" rel="nofollow noopener" target="_blank">${escapeHtml(link)}</a></p>`);
    return parts.join('');
  }
}
