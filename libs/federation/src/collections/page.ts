/** Items per OrderedCollectionPage (Mastodon pages by 20 too). */
export const PAGE_SIZE = 20;

/** The cursor of the first (newest) page. */
export const FIRST_CURSOR = 'first';

/**
 * Which rows a page reads, by their UUIDv7 ids (time-ordered): the newest (`first`), those older
 * than an id (`next`), or those newer than one (`prev`). Repositories read `olderThan`/first pages
 * newest first and `newerThan` pages oldest first; `limit` is one more than the page, to know
 * whether another page follows.
 */
export interface PageQuery {
  olderThan: string | null;
  newerThan: string | null;
  limit: number;
}

export interface PageOf<T> {
  /** Newest first. */
  rows: T[];
  nextCursor: string | null;
  prevCursor: string | null;
}

const CURSOR = /^(older|newer)\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The query for a cursor; null for a malformed one (the page is then 404). */
export function toPageQuery(cursor: string): PageQuery | null {
  if (cursor === FIRST_CURSOR) return { olderThan: null, newerThan: null, limit: PAGE_SIZE + 1 };
  const match = CURSOR.exec(cursor);
  if (!match) return null;
  const id = match[2].toLowerCase();
  return match[1] === 'older'
    ? { olderThan: id, newerThan: null, limit: PAGE_SIZE + 1 }
    : { olderThan: null, newerThan: id, limit: PAGE_SIZE + 1 };
}

/** One page of rows read for `cursor` (see PageQuery), with the cursors of its neighbours. */
export async function readPage<T extends { id: string }>(
  cursor: string,
  read: (query: PageQuery) => Promise<T[]>,
): Promise<PageOf<T> | null> {
  const query = toPageQuery(cursor);
  if (!query) return null;
  const fetched = await read(query);
  const more = fetched.length > PAGE_SIZE;
  const taken = fetched.slice(0, PAGE_SIZE);
  const rows = query.newerThan ? taken.reverse() : taken;
  const newest = rows[0]?.id;
  const oldest = rows[rows.length - 1]?.id;
  const olderExist = query.newerThan ? true : more;
  const newerExist = query.newerThan ? more : query.olderThan !== null;
  return {
    rows,
    nextCursor: olderExist && oldest ? `older.${oldest}` : null,
    prevCursor: newerExist && newest ? `newer.${newest}` : null,
  };
}

/**
 * SQL for a page over `column` (a uuid), its cursor bound at `$param`: the condition and the order
 * (newest first, or oldest first for a `newerThan` page). Only constants are interpolated.
 */
export function pageSql(column: string, query: PageQuery, param: number): { where: string; order: string } {
  if (query.olderThan) return { where: `AND ${column} < $${param}::uuid`, order: `${column} DESC` };
  if (query.newerThan) return { where: `AND ${column} > $${param}::uuid`, order: `${column} ASC` };
  return { where: `AND $${param}::uuid IS NULL`, order: `${column} DESC` };
}

/** The cursor parameter that goes with pageSql. */
export const cursorParam = (query: PageQuery): string | null => query.olderThan ?? query.newerThan;
