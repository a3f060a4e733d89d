import type { FilterKeywordEntity, FilterResult, FilterStatusEntity, FilterView } from '@guildhall/content';

/** Mastodon's `FilterKeyword`. */
export interface MastodonFilterKeyword {
  id: string;
  keyword: string;
  whole_word: boolean;
}

/** Mastodon's `FilterStatus`. */
export interface MastodonFilterStatus {
  id: string;
  status_id: string;
}

/** Mastodon's `Filter` (v2). */
export interface MastodonFilter {
  id: string;
  title: string;
  context: string[];
  expires_at: string | null;
  filter_action: string;
  keywords: MastodonFilterKeyword[];
  statuses: MastodonFilterStatus[];
}

/** Mastodon's `FilterResult`, set on a status as `filtered`. */
export interface MastodonFilterResult {
  filter: MastodonFilter;
  keyword_matches: string[] | null;
  status_matches: string[] | null;
}

export function toMastodonFilterKeyword(keyword: FilterKeywordEntity): MastodonFilterKeyword {
  return { id: keyword.id, keyword: keyword.keyword, whole_word: keyword.wholeWord };
}

export function toMastodonFilterStatus(entry: FilterStatusEntity): MastodonFilterStatus {
  return { id: entry.id, status_id: entry.postId };
}

export function toMastodonFilter({ filter, keywords, statuses }: FilterView): MastodonFilter {
  return {
    id: filter.id,
    title: filter.title,
    context: filter.context,
    expires_at: filter.expiresAt ? new Date(filter.expiresAt).toISOString() : null,
    filter_action: filter.action,
    keywords: keywords.map(toMastodonFilterKeyword),
    statuses: statuses.map(toMastodonFilterStatus),
  };
}

export function toMastodonFilterResult(result: FilterResult): MastodonFilterResult {
  return {
    filter: toMastodonFilter(result.filter),
    keyword_matches: result.keywordMatches,
    status_matches: result.statusMatches,
  };
}
