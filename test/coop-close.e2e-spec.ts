import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import {
  canonicalHash,
  canonicalJson,
  closePeriod as runEngine,
  memberPseudonym,
  type PeriodResult,
  type PeriodSnapshot,
  type PublishedSnapshot,
} from '@guildhall/coop';
import { internalSnapshot, pseudonymKey } from './utils/coop';
import { failWrites } from './utils/faults';
import { signUp, type SignedUp } from './utils/factories';
import { cleanEnv, run } from './utils/spawn';
import { createTestApp, type GraphqlError, type TestApp } from './utils/test-app';

const SECRET = 'coop-webhook-secret-coop-webhook-secret-0123';
const CLOSE = /* GraphQL */ `
  mutation ($period: String) {
    closePeriod(period: $period) {
      snapshot
      result
    }
  }
`;
type Close = { snapshot: PeriodSnapshot; result: PeriodResult };

/** Members act through the API, an admin closes the period; the ledger and the replay agree. */
describe('cooperative period close (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: SignedUp;
  let ana: SignedUp;
  let ben: SignedUp;
  let cy: SignedUp;
  let dir: string;

  const gql = async <T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> => {
    const res = await t.gql<T>(query, variables, token);
    if (!res.data || res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const errorOf = (res: { errors?: GraphqlError[] }) => res.errors?.[0]?.extensions;
  const post = async (who: SignedUp, content: string) =>
    (
      await gql<{ createPost: { id: string } }>(
        'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
        { input: { content, visibility: 'PUBLIC' } },
        who.token,
      )
    ).createPost.id;
  const act = (who: SignedUp, action: string, id: string) =>
    gql(`mutation($id: ID!) { ${action}(id: $id) { id } }`, { id }, who.token);
  const close = async (period?: string): Promise<Close> =>
    (await gql<{ closePeriod: Close }>(CLOSE, { period }, admin.token)).closePeriod;
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await db.query<{ n: string }[]>(sql, params))[0].n);
  const entrySums = (key: string) =>
    db.query<{ ledger: string; sum: string; lines: number }[]>(
      `SELECT e.ledger, coalesce(sum(p.amount), 0)::text AS sum, count(p.id)::int AS lines
         FROM coop_journal_entries e LEFT JOIN coop_postings p ON p.entry_id = e.id
        WHERE e.key = $1 GROUP BY e.id, e.ledger ORDER BY e.ledger`,
      [key],
    );
  /** A period's published text joined from its parts, and the document its row keeps. */
  const storedPublished = async (period: string) =>
    (
      await db.query<{ parts: string | null; head: string | null }[]>(
        `SELECT (SELECT string_agg(part, '' ORDER BY n) FROM coop_published_parts WHERE period_id = p.id) AS parts,
                p.published_snapshot::text AS head
           FROM coop_periods p WHERE p.id = $1`,
        [period],
      )
    )[0];
  const webhook = (body: object, secret = SECRET) => {
    const raw = JSON.stringify(body);
    const signature = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
    return t
      .http()
      .post('/api/v1/coop/payments')
      .set('content-type', 'application/json')
      .set('x-guildhall-signature', signature)
      .send(raw);
  };

  beforeAll(async () => {
    t = await createTestApp({ COOP_WEBHOOK_SECRET: SECRET });
    db = t.app.get(DataSource);
    dir = mkdtempSync(join(tmpdir(), 'guildhall-coop-close-'));
    admin = await signUp(t);
    await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [admin.account.id]);
    [ana, ben, cy] = [await signUp(t), await signUp(t), await signUp(t)];
    for (const member of [ana, ben, cy]) {
      await gql('mutation { applyForMembership { status } }', {}, member.token);
      const admitted = await gql<{ admitMember: { status: string; sharePaidCents: number } }>(
        'mutation($h: String!) { admitMember(handle: $h) { status sharePaidCents } }',
        { h: member.username },
        admin.token,
      );
      expect(admitted.admitMember).toEqual({ status: 'active', sharePaidCents: 1000 });
    }
    // Members younger than minMemberAgeDays (7) earn nothing: these joined a month ago.
    await db.query(`UPDATE coop_members SET joined_at = now() - interval '30 days'`);
    // Whatever earlier runs left open is closed first: the period under test starts empty.
    await close();
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  let first: Close;

  it('closes the period the members acted in; the result is the engine replay of its published snapshot', async () => {
    const [a1, a2, a3] = [await post(ana, 'one'), await post(ana, 'two'), await post(ana, 'three')];
    const c1 = await post(cy, 'four');
    await act(ben, 'likePost', a1);
    await act(ben, 'boostPost', a1);
    await act(cy, 'likePost', a2);
    await act(cy, 'unlikePost', a2);
    await act(ana, 'likePost', c1);
    await gql('mutation($id: ID!) { deletePost(id: $id) }', { id: a3 }, ana.token);
    await gql(
      'mutation($i: RecordPaymentInput!) { recordRevenue(input: $i) { id } }',
      { i: { amountCents: 500_000, memo: 'subscription', memberHandle: ben.username } },
      admin.token,
    );
    await gql(
      'mutation($i: RecordPaymentInput!) { recordCost(input: $i) { id } }',
      { i: { amountCents: 100_000 } },
      admin.token,
    );
    expect((await webhook({ id: 'pay-1', amountCents: 150_000, memo: 'tip' })).status).toBe(200);

    first = await close();
    const { snapshot, result } = first;
    const internal = await internalSnapshot(t.app, result.period);
    expect(internal.events.map((e) => e.type).sort()).toEqual([
      'CURATED',
      'ENGAGED',
      'ENGAGED',
      'ENGAGED',
      'ENGAGED',
      'PUBLISHED',
      'PUBLISHED',
      'PUBLISHED',
      'PUBLISHED',
      'REVERSAL',
      'REVERSAL',
      'SPENT',
    ]);
    // Published: the reversed like and post and both reversals left out (they score nothing).
    expect(snapshot.events.map((e) => e.type).sort()).toEqual([
      'CURATED',
      'ENGAGED',
      'ENGAGED',
      'ENGAGED',
      'PUBLISHED',
      'PUBLISHED',
      'PUBLISHED',
      'SPENT',
    ]);
    expect(snapshot.money).toEqual({ revenue: 650_000, costs: 100_000 });
    expect(result.net).toBe(550_000);
    const key = await pseudonymKey(db, result.period);
    expect(result.members.map((m) => m.id)).toEqual([ana, ben, cy].map((m) => memberPseudonym(key, m.username)).sort());
    expect(result.unitsIssued).toBe(10_000);
    expect(runEngine(snapshot)).toEqual(result);
    // Stored part by part (storePublished), the published snapshot is its canonical JSON, whose
    // SHA-256 is the result's inputHash (ADR 0071), and commits to the internal snapshot stored
    // beside it (hashed from the stream); the period row keeps it without its events (ADR 0069).
    const stored = await storedPublished(result.period);
    expect(stored).toEqual({
      parts: canonicalJson(snapshot),
      head: JSON.stringify({ ...snapshot, events: [] }),
    });
    expect(createHash('sha256').update(stored.parts!, 'utf8').digest('hex')).toBe(result.inputHash);
    expect((snapshot as PublishedSnapshot).internalInputHash).toBe(canonicalHash(internal));

    const file = join(dir, 'snapshot.json');
    writeFileSync(file, JSON.stringify(snapshot));
    const replayed = await run(['dist/apps/cli/main.js', 'coop', 'replay', file], cleanEnv({}));
    expect(replayed.stderr).toBe('');
    expect(JSON.parse(replayed.stdout)).toEqual(result);
  });

  it('posts one balanced entry per ledger keyed close:<period>', async () => {
    const sums = await entrySums(`close:${first.result.period}`);
    expect(sums.map((s) => [s.ledger, s.sum])).toEqual([
      ['money', '0'],
      ['units', '0'],
    ]);
    expect(sums.every((s) => s.lines > 0)).toBe(true);
    const cash = await count(
      `SELECT sum(p.amount)::text AS n FROM coop_postings p JOIN coop_journal_entries e ON e.id = p.entry_id
        WHERE e.key = $1 AND p.account = 'patronage_payable'`,
      [`close:${first.result.period}`],
    );
    expect(-cash).toBe(first.result.members.reduce((sum, m) => sum + m.cash, 0));
  });

  it('returns the same close again and posts nothing', async () => {
    const postings = await count('SELECT count(*) AS n FROM coop_postings');
    const again = await close(first.result.period);
    expect(again).toEqual(first);
    expect(await count('SELECT count(*) AS n FROM coop_postings')).toBe(postings);
  });

  it('posts exactly once when two closes of one period race, and never counts an event twice', async () => {
    await post(ana, 'five');
    const [{ id: open }] = await db.query<{ id: string }[]>(`SELECT id FROM coop_periods WHERE status = 'open'`);
    const [x, y] = await Promise.all([close(open), close(open)]);
    expect(x).toEqual(y);
    expect(await count('SELECT count(*) AS n FROM coop_journal_entries WHERE key = $1', [`close:${open}`])).toBe(2);
    expect(x.snapshot.events.map((e) => e.type)).toEqual(['PUBLISHED']);
    const earlier = new Set((await internalSnapshot(t.app, first.result.period)).events.map((e) => e.id));
    const now = (await internalSnapshot(t.app, open)).events;
    expect(now.map((e) => e.type)).toEqual(['PUBLISHED']);
    expect(now.filter((e) => earlier.has(e.id))).toEqual([]);
    expect(x.snapshot.opening).toEqual({
      reserve: first.result.reserve.closing,
      commons: first.result.commons.closing,
      lossCarryforward: first.result.lossCarryforward.closing,
    });
    expect(x.snapshot.period.start).toBe(first.snapshot.period.end);
  });

  it('refuses the close to non-admins', async () => {
    expect(errorOf(await t.gql(CLOSE, {}, ana.token))?.code).toBe('FORBIDDEN');
    expect(errorOf(await t.gql(CLOSE, {}))?.code).toBe('UNAUTHENTICATED');
  });

  it('stores a signed payment once and refuses a bad signature, storing nothing', async () => {
    expect((await webhook({ id: 'pay-2', amountCents: 700 }, 'x'.repeat(40))).status).toBe(401);
    expect(await count(`SELECT count(*) AS n FROM coop_payments WHERE id = 'pay-2'`)).toBe(0);
    expect((await webhook({ id: 'pay-2', amountCents: 700, memberHandle: cy.username })).status).toBe(200);
    expect((await webhook({ id: 'pay-2', amountCents: 700, memberHandle: cy.username })).status).toBe(200);
    expect(await count(`SELECT count(*) AS n FROM coop_payments WHERE id = 'pay-2'`)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM coop_events WHERE id = 'spent:pay-2'`)).toBe(1);
  });

  it('refuses UPDATE and DELETE of the ledger in the database', async () => {
    await expect(db.query('UPDATE coop_postings SET amount = amount + 1')).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM coop_journal_entries')).rejects.toThrow(/append-only/);
    await expect(
      db.query(
        `INSERT INTO coop_postings (entry_id, account, amount)
         SELECT id, 'cash', 5 FROM coop_journal_entries LIMIT 1`,
      ),
    ).rejects.toThrow(/does not balance/);
  });

  it('lets a member withdraw: units retired, share redeemed at par', async () => {
    const res = await gql<{ withdrawMembership: { status: string } }>(
      'mutation { withdrawMembership { status } }',
      {},
      cy.token,
    );
    expect(res.withdrawMembership.status).toBe('withdrawn');
    const lines = await db.query<{ account: string; amount: string }[]>(
      `SELECT p.account, p.amount::text AS amount FROM coop_postings p JOIN coop_journal_entries e ON e.id = p.entry_id
        WHERE e.key = $1 ORDER BY p.account`,
      [`redeem-share:${cy.account.id}`],
    );
    expect(lines).toEqual([
      { account: 'membership_shares', amount: '1000' },
      { account: 'redemption_payable', amount: '-1000' },
    ]);
    expect(errorOf(await t.gql('mutation { withdrawMembership { status } }', {}, cy.token))?.code).toBe('FORBIDDEN');
  });

  it('vests units in the close N (3) periods after their issue, for members still in good standing', async () => {
    const key = await pseudonymKey(db, first.result.period);
    const units = (username: string) =>
      first.result.members.find((m) => m.id === memberPseudonym(key, username))?.units ?? 0;
    await close(); // P+2 (P+1 was the raced close)
    const vesting = await close(); // P+3: vests what P issued
    const lines = await db.query<{ account: string; memberId: string; amount: string }[]>(
      `SELECT p.account, p.member_id AS "memberId", p.amount::text AS amount
         FROM coop_postings p JOIN coop_journal_entries e ON e.id = p.entry_id
        WHERE e.key = $1 AND e.ledger = 'units' AND p.account = 'vested' ORDER BY p.amount`,
      [`close:${vesting.result.period}`],
    );
    const expected = [ana, ben]
      .map((m) => ({ account: 'vested', memberId: m.account.id, amount: String(-units(m.username)) }))
      .filter((l) => l.amount !== '0')
      .sort((a, b) => Number(a.amount) - Number(b.amount));
    expect(lines).toEqual(expected); // cy withdrew: its units were retired, not vested
    const next = await internalSnapshot(t.app, (await close()).result.period);
    const vested = Object.fromEntries(next.members.map((m) => [m.id, m.vestedUnits]));
    expect(vested[ana.username]).toBe(units(ana.username));
    expect(vested[ben.username]).toBe(units(ben.username));
    expect(vested[cy.username]).toBe(0);
  });

  it.each([
    {
      what: 'its head',
      fault: {
        table: 'coop_periods',
        on: 'UPDATE' as const,
        when: 'NEW.published_snapshot IS NOT NULL AND OLD.published_snapshot IS NULL',
      },
    },
    { what: 'a part', fault: { table: 'coop_published_parts', on: 'INSERT' as const } },
  ])(
    'rolls the whole close back when storing its published snapshot ($what) fails, and closes it once after',
    async ({ fault: where }) => {
      // The published text is the close's last big write, after the money entry: a failure
      // storing it, whichever statement fails, must undo the entry and the parts written before it.
      await post(ben, 'seven');
      const [{ id: open }] = await db.query<{ id: string }[]>(`SELECT id FROM coop_periods WHERE status = 'open'`);
      const entries = () => count('SELECT count(*) AS n FROM coop_journal_entries WHERE key = $1', [`close:${open}`]);
      const fault = await failWrites(db, {
        name: 'close_fault',
        ...where,
        message: 'injected fault: the published snapshot is not stored',
      });
      try {
        const failed = await t.gql(CLOSE, { period: open }, admin.token);
        expect(failed.data).toBeNull();
        expect(errorOf(failed)?.code).toBe('INTERNAL_SERVER_ERROR');
        const [row] = await db.query<{ status: string; stored: boolean }[]>(
          `SELECT status, snapshot IS NOT NULL OR published_snapshot IS NOT NULL OR result IS NOT NULL AS stored
           FROM coop_periods WHERE id = $1`,
          [open],
        );
        expect(row).toEqual({ status: 'open', stored: false });
        expect(await storedPublished(open)).toEqual({ parts: null, head: null });
        expect(await entries()).toBe(0);
        expect(await count(`SELECT count(*) AS n FROM coop_periods WHERE status = 'open'`)).toBe(1);

        const closed = await close(open);
        expect(closed.result.period).toBe(open);
        expect(closed.snapshot.events.map((e) => e.type)).toEqual(['PUBLISHED']);
        expect(await entries()).toBe(2);
        expect((await storedPublished(open)).parts).toBe(canonicalJson(closed.snapshot));
        expect(await close(open)).toEqual(closed);
        expect(await entries()).toBe(2);
      } finally {
        await fault.remove();
      }
    },
  );

  it('verifies every closed period and balance from the CLI', async () => {
    const verified = await run(
      ['dist/apps/cli/main.js', 'coop', 'verify'],
      cleanEnv({ DATABASE_URL: process.env.TEST_DATABASE_URL, DATA_DIR: dir }),
    );
    expect(verified.stderr).toBe('');
    const report = JSON.parse(verified.stdout) as { ok: boolean; periods: { id: string; ok: boolean }[] };
    expect(report.ok).toBe(true);
    expect(report.periods.map((p) => p.id)).toContain(first.result.period);
    expect(verified.code).toBe(0);
  });
});
