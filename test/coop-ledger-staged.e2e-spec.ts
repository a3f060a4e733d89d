import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LedgerRepository } from '../libs/coop/src/ledger/ledger.repository';
import { PostingColumns } from '../libs/coop/src/ledger/posting-columns';
import { freshDatabase } from './utils/fresh-database';
import { createTestApp, type TestApp } from './utils/test-app';

/**
 * An entry of millions of lines (a close's) is staged in batches before one statement posts it
 * (ADR 0075): it must store exactly what the one-statement path stores, or nothing. Batches of a
 * few lines here stand for the close's 250,000. Its own database: the ledger is append-only.
 */
describe('ledger entries staged in batches (e2e)', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let t: TestApp;
  let db: DataSource;
  let ledger: LedgerRepository;
  let members: string[];

  /** `count` lines over a few accounts, members and vintages, balanced by a last cash line. */
  const entryLines = (count: number, seed: number): PostingColumns => {
    const lines = new PostingColumns();
    let sum = 0;
    for (let i = 0; i < count - 1; i++) {
      const amount = ((i * 7919 + seed) % 2001) - 1000;
      sum += amount;
      const account = ['capital', 'patronage_payable', 'unvested'][i % 3];
      lines.add(
        account,
        amount,
        i % 5 === 4 ? null : members[i % members.length],
        i % 3 === 0 ? `2026-${i % 2 ? 11 : 12}` : null,
      );
    }
    lines.add('cash', -sum);
    return lines;
  };
  const stored = (key: string) =>
    db.query<{ ledger: string; account: string; member: string | null; vintage: string | null; amount: string }[]>(
      `SELECT e.ledger, p.account, p.member_id AS member, p.vintage, p.amount::text AS amount
         FROM coop_journal_entries e JOIN coop_postings p ON p.entry_id = e.id WHERE e.key = $1 ORDER BY p.id`,
      [key],
    );
  const counts = async () =>
    (
      await db.query<{ entries: number; postings: number }[]>(
        `SELECT (SELECT count(*)::int FROM coop_journal_entries) AS entries, (SELECT count(*)::int FROM coop_postings) AS postings`,
      )
    )[0];
  const tempTables = async () =>
    (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'ledger_lines_%'`))[0]
      .n;

  beforeAll(async () => {
    database = await freshDatabase();
    t = await createTestApp({ DATABASE_URL: database.url });
    db = t.app.get(DataSource);
    ledger = t.app.get(LedgerRepository);
    members = Array.from({ length: 7 }, () => randomUUID());
  });

  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('stores the lines one statement would, in the same order, from batches of any size', async () => {
    const lines = entryLines(101, 3);
    await db.transaction((m) => ledger.insertEntry(m, { key: 'whole', ledger: 'money', periodId: null, lines }));
    const whole = await stored('whole');
    expect(whole).toHaveLength(101);
    expect(whole[0]).toEqual({
      ledger: 'money',
      account: 'capital',
      member: members[0],
      vintage: '2026-12',
      amount: '-997',
    });
    expect(whole[100]).toEqual(expect.objectContaining({ account: 'cash', member: null, vintage: null }));
    for (const batch of [1, 7, 100]) {
      const key = `staged-${batch}`;
      const posted = await db.transaction((m) =>
        ledger.insertEntry(m, { key, ledger: 'money', periodId: null, lines }, batch),
      );
      expect(posted).toBe(true);
      expect(await stored(key)).toEqual(whole);
    }
    expect(await tempTables()).toBe(0);
  });

  it('posts two staged entries in one transaction, as a close posts money and units', async () => {
    await db.transaction(async (m) => {
      expect(
        await ledger.insertEntry(m, { key: 'pair', ledger: 'money', periodId: null, lines: entryLines(40, 1) }, 9),
      ).toBe(true);
      expect(
        await ledger.insertEntry(m, { key: 'pair', ledger: 'units', periodId: null, lines: entryLines(30, 2) }, 9),
      ).toBe(true);
    });
    const pair = await stored('pair');
    expect(pair.filter((l) => l.ledger === 'money')).toHaveLength(40);
    expect(pair.filter((l) => l.ledger === 'units')).toHaveLength(30);
  });

  it('posts nothing more when the entry exists', async () => {
    const before = await counts();
    const posted = await db.transaction((m) =>
      ledger.insertEntry(m, { key: 'whole', ledger: 'money', periodId: null, lines: entryLines(50, 9) }, 4),
    );
    expect(posted).toBe(false);
    expect(await counts()).toEqual(before);
    expect(await stored('whole')).toHaveLength(101);
  });

  it('is refused whole by the database when the lines do not balance, leaving nothing', async () => {
    const before = await counts();
    const lines = entryLines(20, 5);
    lines.add('cash', 3);
    await expect(
      db.transaction((m) => ledger.insertEntry(m, { key: 'unbalanced', ledger: 'money', periodId: null, lines }, 6)),
    ).rejects.toThrow(/journal entry .* does not balance: its postings sum to 3/);
    expect(await counts()).toEqual(before);
  });

  it('refuses to stage outside a transaction, before writing anything', async () => {
    const before = await counts();
    await expect(
      ledger.insertEntry(db.manager, { key: 'loose', ledger: 'money', periodId: null, lines: entryLines(10, 4) }, 3),
    ).rejects.toThrow('an entry of more than 3 lines is posted inside a transaction');
    expect(await counts()).toEqual(before);
    expect(await tempTables()).toBe(0);
  });
});
