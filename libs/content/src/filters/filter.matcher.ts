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

/**
 * A reader's active filters for one context, loaded once (one query per table) and compiled to
 * case-insensitive patterns (whole words at Unicode word boundaries, as Mastodon matches them).
 */
@Injectable()
export class FilterMatcher {
  constructor(private readonly filters: FilterRepository) {}

  async forViewer(accountId: string, context: FilterContext): Promise<PostFilter> {
    const views = await this.filters.views(accountId, { activeIn: context });
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
}
