import { Injectable } from '@nestjs/common';
import type { FilterContext } from './filter.entity';
import { FilterRepository, type FilterView } from './filter.repository';

/** One filter a post matched, and why (Mastodon's `FilterResult`). */
export interface FilterResult {
  filter: FilterView;
  /** The filter's keywords found in the text; null when none. */
  keywordMatches: string[] | null;
  /** The post's id when the filter lists the post; null otherwise. */
  statusMatches: string[] | null;
}

/** Matches a post's text (HTML is read as text) and id against a reader's filters. */
export type PostFilter = (text: string, postId: string) => FilterResult[];

const WORD = '[\\p{L}\\p{N}\\p{M}_]';
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** HTML to the text a reader sees: tags dropped, the few entities a renderer writes decoded. */
function plainText(html: string): string {
  return html
    .replace(/<br\s*\/?>|<\/p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(?:#(\d+)|amp|lt|gt|quot|apos);/g, (entity: string, code?: string) => {
      if (code) return String.fromCodePoint(Number(code));
      return { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" }[entity] ?? entity;
    });
}

/** A reader's active filters for one context, loaded once (one query per table) and compiled. */
@Injectable()
export class FilterMatcher {
  constructor(private readonly filters: FilterRepository) {}

  async forViewer(accountId: string, context: FilterContext): Promise<PostFilter> {
    return compile(await this.filters.views(accountId, { activeIn: context }));
  }

  /**
   * Several readers' filters for one context (one query per table for all of them), for a live
   * stream that keeps them between events: each with the time its first filter expires (null:
   * none does), after which it must be loaded again. A reader without filters matches nothing.
   */
  async forViewers(accountIds: readonly string[], context: FilterContext): Promise<Map<string, ReaderFilter>> {
    const views = await this.filters.viewsOf(accountIds, { activeIn: context });
    return new Map(
      accountIds.map((accountId) => {
        const own = views.get(accountId) ?? [];
        const expiries = own.flatMap((view) =>
          view.filter.expiresAt ? [new Date(view.filter.expiresAt).getTime()] : [],
        );
        return [accountId, { match: compile(own), validUntil: expiries.length ? Math.min(...expiries) : null }];
      }),
    );
  }
}

/** A reader's compiled filters and when they stop being current (epoch ms; null: not by time). */
export interface ReaderFilter {
  match: PostFilter;
  validUntil: number | null;
}

/**
 * Active filters compiled to case-insensitive patterns (whole words at Unicode word boundaries,
 * as Mastodon matches them).
 */
function compile(views: FilterView[]): PostFilter {
  if (!views.length) return () => [];
  const compiled = views.map((view) => ({
    view,
    statusIds: new Set(view.statuses.map((s) => s.postId)),
    keywords: view.keywords.map((k) => ({
      keyword: k.keyword,
      pattern: new RegExp(
        k.wholeWord ? `(?<!${WORD})${escapeRegExp(k.keyword)}(?!${WORD})` : escapeRegExp(k.keyword),
        'iu',
      ),
    })),
  }));
  return (html, postId) => {
    const text = plainText(html);
    return compiled.flatMap(({ view, statusIds, keywords }) => {
      const keywordMatches = keywords.filter((k) => k.pattern.test(text)).map((k) => k.keyword);
      const statusMatch = statusIds.has(postId);
      if (!keywordMatches.length && !statusMatch) return [];
      return [
        {
          filter: view,
          keywordMatches: keywordMatches.length ? keywordMatches : null,
          statusMatches: statusMatch ? [postId] : null,
        },
      ];
    });
  };
}
