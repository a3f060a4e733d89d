import { DataSource } from 'typeorm';
import { uuidv7 } from '@guildhall/core';
import { TimelineRepository, type TimelinePage, type TimelinePost } from '@guildhall/content';
import { signUp, type SignedUp } from './utils/factories';
import { insertBlock, insertFollow } from './utils/graph';
import { createTestApp, type TestApp } from './utils/test-app';

/**
 * HOME and list pages read in two steps (ADR 0059): the walk over the `window` posts past the
 * cursor, then per followee past it. With a window of a few posts, a followee's posts older than
 * the window are read by the second step; every page must still be exactly the page the
 * unbounded walk returns (the window of 10,000,000 below, and the ids written out by hand), with
 * every HOME rule applied in both steps.
 */
class Windowed extends TimelineRepository {
  constructor(
    dataSource: DataSource,
    protected override readonly window: number,
  ) {
    super(dataSource);
  }
}

const UNBOUNDED = 10_000_000;

describe('HOME and list timelines read through a window', () => {
  let t: TestApp;
  let db: DataSource;
  let reader: SignedUp;
  let list: string;
  /** Ids in the order written: each one later (UUIDv7, a millisecond apart) than the last. */
  let clock = Date.now();
  const nextId = () => uuidv7(++clock);
  const posts: Record<string, string> = {};
  /** HOME for the reader, newest first, written out by hand. */
  let home: string[];
  /** The list of f1, f2 and excl, newest first. */
  let listed: string[];

  const insertPost = async (
    name: string,
    authorId: string,
    fields: { visibility?: string; boostOf?: string; mentions?: string[]; deleted?: boolean } = {},
  ) => {
    const id = nextId();
    await db.query(
      `INSERT INTO posts (id, account_id, local, visibility, boost_of_id, content, deleted_at)
       VALUES ($1, $2, true, $3, $4, $5, $6)`,
      [
        id,
        authorId,
        fields.visibility ?? 'public',
        fields.boostOf ?? null,
        fields.boostOf ? '' : `<p>${name}</p>`,
        fields.deleted ? new Date() : null,
      ],
    );
    for (const mentioned of fields.mentions ?? []) {
      await db.query('INSERT INTO mentions (post_id, account_id) VALUES ($1, $2)', [id, mentioned]);
    }
    posts[name] = id;
    return id;
  };

  /** Every page of `read` from the newest, `limit` at a time, through `afterId` (GraphQL's `after`, Mastodon's `max_id`). */
  const walk = async (read: (page: TimelinePage & { viewerId: string }) => Promise<TimelinePost[]>, limit: number) => {
    const pages: string[][] = [];
    let afterId: string | null = null;
    for (;;) {
      const rows: string[] = (await read({ viewerId: reader.account.id, afterId, limit })).map((row) => row.id);
      pages.push(rows);
      if (rows.length <= limit) return pages;
      afterId = rows[limit - 1];
    }
  };
  /** The pages the walk must return: `limit` rows and the next one (the "has next page" row). */
  const pagesOf = (ids: string[], limit: number) => {
    const pages: string[][] = [];
    for (let start = 0; ; start += limit) {
      pages.push(ids.slice(start, start + limit + 1));
      if (start + limit >= ids.length) return pages;
    }
  };

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    const [r, f1, f2, suspended, blocked, blocker, muted, excl, noReblogs, stranger] = await Promise.all(
      Array.from({ length: 10 }, () => signUp(t)),
    );
    reader = r;
    const id = (who: SignedUp) => who.account.id;
    for (const followee of [f1, f2, suspended, blocked, blocker, muted, excl, noReblogs]) {
      await insertFollow(t, id(reader), id(followee));
    }
    await db.query('UPDATE follows SET show_reblogs = false WHERE follower_id = $1 AND followee_id = $2', [
      id(reader),
      id(noReblogs),
    ]);
    await insertBlock(t, id(reader), id(blocked));
    await insertBlock(t, id(blocker), id(reader));
    await db.query('INSERT INTO mutes (id, account_id, target_id) VALUES ($1, $2, $3)', [
      uuidv7(),
      id(reader),
      id(muted),
    ]);
    // A list of f1, f2 and excl; excl is also on an exclusive list, so out of HOME.
    list = uuidv7();
    const exclusive = uuidv7();
    await db.query(
      `INSERT INTO lists (id, account_id, title, exclusive) VALUES ($1, $3, 'close', false), ($2, $3, 'only', true)`,
      [list, exclusive, id(reader)],
    );
    for (const [listId, member] of [
      [list, f1],
      [list, f2],
      [list, excl],
      [exclusive, excl],
    ] as const) {
      await db.query(
        `INSERT INTO list_accounts (id, list_id, account_id, follow_id)
         SELECT $1, $2, $3, f.id FROM follows f WHERE f.follower_id = $4 AND f.followee_id = $3`,
        [uuidv7(), listId, id(member), id(reader)],
      );
    }
    // Old posts: everything a rule keeps out, and what HOME shows, among them.
    await insertPost('f1 public', id(f1));
    await insertPost('stranger followers-only', id(stranger), { visibility: 'followers' });
    await insertPost('f1 boosts the invisible', id(f1), { boostOf: posts['stranger followers-only'] });
    await insertPost('f1 followers-only', id(f1), { visibility: 'followers' });
    await insertPost('f2 direct to reader', id(f2), { visibility: 'direct', mentions: [id(reader)] });
    await insertPost('f2 direct to stranger', id(f2), { visibility: 'direct', mentions: [id(stranger)] });
    await insertPost('suspended public', id(suspended));
    await insertPost('blocked public', id(blocked));
    await insertPost('blocker public', id(blocker));
    await insertPost('muted public', id(muted));
    await insertPost('exclusive public', id(excl));
    await insertPost('stranger public', id(stranger));
    await insertPost('noReblogs boosts', id(noReblogs), { boostOf: posts['stranger public'] });
    await insertPost('noReblogs public', id(noReblogs));
    await insertPost('f2 boosts stranger', id(f2), { boostOf: posts['stranger public'] });
    await insertPost('f2 boosts blocked', id(f2), { boostOf: posts['blocked public'] });
    await insertPost('f2 boosts muted', id(f2), { boostOf: posts['muted public'] });
    await insertPost('f1 deleted', id(f1), { deleted: true });
    await insertPost('reader own', id(reader));
    await insertPost('f2 unlisted', id(f2), { visibility: 'unlisted' });
    await db.query('UPDATE accounts SET suspended_at = now() WHERE id = $1', [id(suspended)]);
    // Then a stranger posts a lot, with a few followed posts in between: the newest posts.
    for (let i = 0; i < 12; i++) await insertPost(`noise ${i}`, id(stranger));
    await insertPost('f1 recent', id(f1));
    for (let i = 12; i < 15; i++) await insertPost(`noise ${i}`, id(stranger));
    await insertPost('f2 recent', id(f2));
    await insertPost('blocker recent', id(blocker));
    await insertPost('noise 15', id(stranger));
    await insertPost('reader recent', id(reader));

    home = [
      'reader recent',
      'f2 recent',
      'f1 recent',
      'f2 unlisted',
      'reader own',
      'f2 boosts stranger',
      'noReblogs public',
      'f2 direct to reader',
      'f1 followers-only',
      'f1 public',
    ].map((name) => posts[name]);
    listed = [
      'f2 recent',
      'f1 recent',
      'f2 unlisted',
      'f2 boosts stranger',
      'exclusive public',
      'f2 direct to reader',
      'f1 followers-only',
      'f1 public',
    ].map((name) => posts[name]);
  });
  afterAll(() => t.close());

  it('the unbounded walk returns HOME as written out: every rule applied', async () => {
    const unbounded = new Windowed(db, UNBOUNDED);
    const rows = await unbounded.home({ viewerId: reader.account.id, afterId: null, limit: 40 });
    expect(rows.map((row) => row.id)).toEqual(home);
    const listRows = await unbounded.list({ viewerId: reader.account.id, afterId: null, limit: 40 }, list);
    expect(listRows.map((row) => row.id)).toEqual(listed);
  });

  it.each([1, 2, 3, 5, 8, 20])(
    'a window of %i: every HOME and list page is the unbounded one, the boundary anywhere in a page',
    async (window) => {
      const windowed = new Windowed(db, window);
      for (const limit of [1, 2, 3, 4, 20]) {
        expect(await walk((page) => windowed.home(page), limit)).toEqual(pagesOf(home, limit));
        expect(await walk((page) => windowed.list(page, list), limit)).toEqual(pagesOf(listed, limit));
      }
    },
  );

  it('the followees older than the window are read per followee, with the rules applied there', async () => {
    const windowed = new Windowed(db, 3);
    const perFollowee = jest.spyOn(windowed as unknown as { perAuthor: () => unknown }, 'perAuthor');
    try {
      // The window (3 posts: 'reader recent', 'noise 15', 'blocker recent') holds one row of the page.
      const rows = await windowed.home({ viewerId: reader.account.id, afterId: null, limit: 40 });
      expect(rows.map((row) => row.id)).toEqual(home);
      expect(perFollowee).toHaveBeenCalledTimes(1);
      // Past the noise: the window ('f2 unlisted', 'reader own', 'f1 deleted') holds two rows, the
      // second step the other two.
      const older = await windowed.home({ viewerId: reader.account.id, afterId: posts['noise 0'], limit: 3 });
      expect(older.map((row) => row.id)).toEqual(home.slice(3, 7));
      expect(perFollowee).toHaveBeenCalledTimes(2);
    } finally {
      perFollowee.mockRestore();
    }
    // A window that holds the whole page needs no second step.
    const wide = new Windowed(db, 30);
    const notNeeded = jest.spyOn(wide as unknown as { perAuthor: () => unknown }, 'perAuthor');
    const full = await wide.home({ viewerId: reader.account.id, afterId: null, limit: 1 });
    expect(full.map((row) => row.id)).toEqual(home.slice(0, 2));
    expect(notNeeded).not.toHaveBeenCalled();
  });

  it.each([1, 3, 20])('a window of %i: since_id and min_id pages are the unbounded ones', async (window) => {
    const windowed = new Windowed(db, window);
    const viewerId = reader.account.id;
    for (let i = 1; i < home.length; i++) {
      // min_id: the `limit` posts just newer than home[i], newest first.
      const newer = await windowed.home({ viewerId, afterId: null, minId: home[i], limit: 3 });
      expect(newer.map((row) => row.id)).toEqual(home.slice(Math.max(0, i - 3), i));
      // since_id: the newest posts, down to (not including) home[i].
      const since = await windowed.home({ viewerId, afterId: null, sinceId: home[i], limit: 20 });
      expect(since.map((row) => row.id)).toEqual(home.slice(0, i));
      // max_id and since_id together.
      const between = await windowed.home({ viewerId, afterId: home[0], sinceId: home[i], limit: 2 });
      expect(between.map((row) => row.id)).toEqual(home.slice(1, Math.min(i, 4)));
    }
    const listNewer = await windowed.list({ viewerId, afterId: null, minId: listed.at(-1), limit: 2 }, list);
    expect(listNewer.map((row) => row.id)).toEqual(listed.slice(-3, -1));
  });

  it('reuses each HOME and list statement by its shape: the text a fresh repository builds, every shape its own', async () => {
    const viewerId = reader.account.id;
    const shapes: (TimelinePage & { viewerId: string })[] = [];
    for (const withExtras of [false, true])
      for (const afterId of [null, home[1]])
        for (const sinceId of [undefined, home.at(-1)])
          for (const minId of [undefined, home.at(-2)])
            for (const limit of [2, 3]) shapes.push({ viewerId, afterId, sinceId, minId, limit, withExtras });
    const statementOf = async (read: () => Promise<TimelinePost[]>) => {
      const query = jest.spyOn(db, 'query');
      try {
        const ids = (await read()).map((row) => row.id);
        const [first] = query.mock.calls[0] as [{ text: string } | string];
        return { ids, text: typeof first === 'string' ? first : first.text };
      } finally {
        query.mockRestore();
      }
    };
    const reused = new Windowed(db, 3);
    const seen = new Set<string>();
    for (const kind of ['home', 'list'] as const) {
      const read = (repository: TimelineRepository, page: TimelinePage & { viewerId: string }) =>
        kind === 'home' ? repository.home(page) : repository.list(page, list);
      for (const shape of shapes) await read(reused, shape);
      for (const shape of shapes) {
        const again = await statementOf(() => read(reused, shape));
        const fresh = await statementOf(() => read(new Windowed(db, 3), shape));
        expect(again).toEqual(fresh);
        seen.add(again.text);
      }
    }
    // Every kind × extras × cursor × size is a statement of its own.
    expect(seen.size).toBe(shapes.length * 2);
  });

  it('rows of the second step are full rows: author and media, and StatusExtras when asked', async () => {
    const rows = await new Windowed(db, 1).home({
      viewerId: reader.account.id,
      afterId: posts['noise 0'],
      limit: 2,
      withExtras: true,
    });
    expect(rows.map((row) => row.id)).toEqual(home.slice(3, 6));
    expect(rows[0].account.id).toBe(rows[0].accountId);
    expect(rows[0].media).toEqual([]);
    expect(rows[2].extras).toMatchObject({ postId: posts['stranger public'], liked: false, boosted: false });
  });
});
