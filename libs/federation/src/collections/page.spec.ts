import { PAGE_SIZE, pageSql, readPage, toPageQuery, type PageQuery } from './page';

const ID = (n: number) => `01900000-0000-7000-8000-${n.toString().padStart(12, '0')}`;

/** 25 rows, ids ascending with n; a fake repository reading them as the SQL would. */
const rows = Array.from({ length: 25 }, (_, i) => ({ id: ID(i + 1) }));
function read(query: PageQuery): Promise<{ id: string }[]> {
  if (query.newerThan) return Promise.resolve(rows.filter((r) => r.id > query.newerThan!).slice(0, query.limit));
  const desc = [...rows].reverse();
  return Promise.resolve(desc.filter((r) => !query.olderThan || r.id < query.olderThan).slice(0, query.limit));
}

describe('collection pages', () => {
  it('reads the newest page first, then older ones, with prev back to the newer', async () => {
    const first = (await readPage('first', read))!;
    expect(first.rows.map((r) => r.id)).toEqual(
      rows
        .slice(5)
        .reverse()
        .map((r) => r.id),
    );
    expect(first.prevCursor).toBeNull();
    expect(first.nextCursor).toBe(`older.${ID(6)}`);

    const second = (await readPage(first.nextCursor!, read))!;
    expect(second.rows.map((r) => r.id)).toEqual([ID(5), ID(4), ID(3), ID(2), ID(1)]);
    expect(second.nextCursor).toBeNull();
    expect(second.prevCursor).toBe(`newer.${ID(5)}`);

    const back = (await readPage(second.prevCursor!, read))!;
    expect(back.rows).toEqual(first.rows);
    expect(back.prevCursor).toBeNull();
    expect(back.nextCursor).toBe(`older.${ID(6)}`);
  });

  it('has no neighbours for an empty collection', async () => {
    expect(await readPage('first', () => Promise.resolve([]))).toEqual({
      rows: [],
      nextCursor: null,
      prevCursor: null,
    });
  });

  it('refuses malformed cursors (404, never SQL)', () => {
    for (const cursor of ['', 'older.', 'older.1', `sideways.${ID(1)}`, `older.${ID(1)}'--`]) {
      expect(toPageQuery(cursor)).toBeNull();
    }
    expect(toPageQuery(`newer.${ID(3).toUpperCase()}`)).toEqual({
      olderThan: null,
      newerThan: ID(3),
      limit: PAGE_SIZE + 1,
    });
  });

  it('writes the paging SQL with the cursor as a parameter only', () => {
    expect(pageSql('f.id', toPageQuery('first')!, 2)).toEqual({ where: 'AND $2::uuid IS NULL', order: 'f.id DESC' });
    expect(pageSql('id', toPageQuery(`older.${ID(1)}`)!, 2)).toEqual({ where: 'AND id < $2::uuid', order: 'id DESC' });
    expect(pageSql('id', toPageQuery(`newer.${ID(1)}`)!, 3)).toEqual({ where: 'AND id > $3::uuid', order: 'id ASC' });
  });
});
