import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * A page of rows ordered by their time-ordered id, as Mastodon's clients ask for one: older than
 * `maxId`, newer than `sinceId` (newest first) or immediately newer than `minId`; `limit` rows.
 */
export interface IdPage {
  maxId?: string | null;
  sinceId?: string | null;
  minId?: string | null;
  limit: number;
}

/**
 * Applies the page to a query on `column` (e.g. `f.id`). With `minId` the rows are read oldest
 * first (the page just above it); `fetchIdPage` puts them back newest first.
 */
export async function fetchIdPage<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  column: string,
  page: IdPage,
): Promise<T[]> {
  if (page.maxId) query.andWhere(`${column} < :pageMaxId`, { pageMaxId: page.maxId });
  const lower = page.minId ?? page.sinceId;
  if (lower) query.andWhere(`${column} > :pageLowerId`, { pageLowerId: lower });
  const rows = await query
    .orderBy(column, page.minId ? 'ASC' : 'DESC')
    .limit(page.limit)
    .getMany();
  return page.minId ? rows.reverse() : rows;
}
