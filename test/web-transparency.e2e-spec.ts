import { DataSource } from 'typeorm';
import { memberPseudonym, type PeriodResult } from '@guildhall/coop';
import { pseudonymKey } from './utils/coop';
import { signUp, type SignedUp } from './utils/factories';
import { FormClient } from './utils/oauth-pages';
import { createTestApp, type TestApp } from './utils/test-app';
import { webClient } from './utils/web';

const CLOSE = 'mutation { closePeriod { result } }';

/**
 * `/transparency`: the public index of closed periods (paged, linking to their pages), the
 * public ledger CSV (nothing beyond the published results, ADR 0043) and the replay guide.
 */
describe('web app: transparency', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: SignedUp;
  let ana: SignedUp;
  let ben: SignedUp;
  let closed: PeriodResult;
  let newer: PeriodResult;

  const gql = async <T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> => {
    const res = await t.gql<T>(query, variables, token);
    if (!res.data || res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const close = async () =>
    (await gql<{ closePeriod: { result: PeriodResult } }>(CLOSE, {}, admin.token)).closePeriod.result;
  const visitor = () => new FormClient(t, 'http://guildhall.test');

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    admin = await signUp(t);
    await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [admin.account.id]);
    [ana, ben] = [await signUp(t), await signUp(t)];
    for (const member of [ana, ben]) {
      await gql('mutation { applyForMembership { status } }', {}, member.token);
      await gql('mutation($h: String!) { admitMember(handle: $h) { status } }', { h: member.username }, admin.token);
    }
    await db.query(`UPDATE coop_members SET joined_at = now() - interval '30 days' WHERE account_id = ANY($1)`, [
      [ana.account.id, ben.account.id],
    ]);
    await close(); // whatever earlier suites left open
    await gql(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input: { content: 'hello' } },
      ana.token,
    );
    await gql(
      'mutation($i: RecordPaymentInput!) { recordRevenue(input: $i) { id } }',
      { i: { amountCents: 500_000, memo: 'private memo', memberHandle: ben.username, paymentId: 'prov_secret_1' } },
      admin.token,
    );
    closed = await close();
    newer = await close();
  });

  afterAll(() => t.close());

  it('lists closed periods, newest first, to anyone, with links, hashes and the replay commands', async () => {
    const res = await visitor().get('/transparency');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.text).toContain('<h1>Transparency</h1>');
    expect(res.text).toContain('<caption>Closed periods, newest first</caption>');
    const newerAt = res.text.indexOf(`<a href="/coop/periods/${newer.period}">${newer.period}</a>`);
    const closedAt = res.text.indexOf(`<a href="/coop/periods/${closed.period}">${closed.period}</a>`);
    expect(newerAt).toBeGreaterThan(0);
    expect(closedAt).toBeGreaterThan(newerAt);
    expect(res.text).toContain(`<code class="hash">${closed.inputHash}</code>`);
    expect(res.text).toContain(`<code class="hash">${closed.outputHash}</code>`);
    const snapshotUrl = `http://guildhall.test/api/v1/coop/periods/${closed.period}/snapshot.json`;
    expect(res.text).toContain(`<a href="${snapshotUrl}">${snapshotUrl}</a>`);
    expect(res.text).toContain(`curl -fsS -o snapshot-${closed.period}.json ${snapshotUrl}`);
    expect(res.text).toContain(
      `npx guildhall coop replay snapshot-${closed.period}.json &gt; replayed-${closed.period}.json`,
    );
    expect(res.text).toContain(`# &quot;outputHash&quot;:&quot;${closed.outputHash}&quot;`);
    expect(res.text).toContain('href="/transparency/ledger.csv"');
    // Links in the commands are the ones that serve the published documents.
    const snapshot = await t.http().get(`/api/v1/coop/periods/${closed.period}/snapshot.json`);
    expect(snapshot.status).toBe(200);
  });

  it('pages through older periods', async () => {
    const cursor = Buffer.from(
      `period:${(await db.query(`SELECT seq FROM coop_periods WHERE id = $1`, [newer.period]))[0].seq}`,
    ).toString('base64url');
    const res = await visitor().get(`/transparency?after=${cursor}`);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(`<a href="/coop/periods/${newer.period}">`);
    expect(res.text).toContain(`<a href="/coop/periods/${closed.period}">${closed.period}</a>`);
    expect(res.text).toContain('<a href="/transparency">Newest periods</a>');
    const bad = await visitor().get('/transparency?after=bogus');
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('role="alert"');
  });

  it('shows the same index to a signed-in member', async () => {
    const res = await (await webClient(t, ana)).get('/transparency');
    expect(res.status).toBe(200);
    expect(res.text).toContain(`<a href="/coop/periods/${closed.period}">${closed.period}</a>`);
    expect(res.text).toContain('aria-current="page">Transparency</a>');
  });

  it('serves the public ledger CSV: result lines by pseudonym, nothing private', async () => {
    const res = await t.http().get('/transparency/ledger.csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe('entry_key,ledger,period,account,member,vintage,amount,created_at');
    expect(lines[lines.length - 1]).toBe('');
    const rows = lines.slice(1, -1).map((l) => l.split(','));
    for (const secret of [
      ana.username,
      ben.username,
      ana.account.id,
      ben.account.id,
      'prov_secret_1',
      'private memo',
    ]) {
      expect(res.text).not.toContain(secret);
    }
    expect(rows.every(([key]) => /^(close|payout|revolve):/.test(key))).toBe(true);
    // The close's lines of ana are the published result's, under that period's pseudonym.
    const key = await pseudonymKey(db, closed.period);
    const anaId = memberPseudonym(key, ana.username);
    const anaResult = closed.members.find((m) => m.id === anaId)!;
    expect(anaResult.allocation).toBeGreaterThan(0);
    const mine = rows.filter((r) => r[0] === `close:${closed.period}` && r[4] === anaId);
    expect(mine.map((r) => [r[1], r[3], r[5], r[6]]).sort()).toEqual(
      [
        ['money', 'capital', closed.period, String(-anaResult.retained)],
        ['money', 'patronage_payable', '', String(-anaResult.cash)],
        ['units', 'unvested', '', String(-anaResult.units)],
      ].sort(),
    );
    // Revenue is the published money total; every entry still sums to zero.
    expect(rows.find((r) => r[0] === `close:${closed.period}` && r[3] === 'cash' && r[6] === '500000')).toBeDefined();
    const sums = new Map<string, bigint>();
    for (const r of rows) sums.set(`${r[0]}|${r[1]}`, (sums.get(`${r[0]}|${r[1]}`) ?? 0n) + BigInt(r[6]));
    expect([...sums.values()].every((s) => s === 0n)).toBe(true);
    // Every member named is a pseudonym of a published result.
    const named = rows.filter((r) => r[4] !== '');
    expect(named.length).toBeGreaterThanOrEqual(3);
    expect(named.every((r) => r[0].startsWith('close:') && /^m-[0-9a-f]{24}$/.test(r[4]))).toBe(true);
  });

  it("sums vesting moves without naming members (they would link two periods' pseudonyms)", async () => {
    // Units issued at the close of `closed` vest three closes later.
    await close();
    const vestingClose = await close();
    const rows = (await t.http().get('/transparency/ledger.csv')).text
      .split('\r\n')
      .slice(1, -1)
      .map((l) => l.split(','))
      .filter((r) => r[0] === `close:${vestingClose.period}` && r[1] === 'units');
    expect(closed.unitsIssued).toBeGreaterThan(0);
    expect(rows.filter((r) => r[3] === 'vested')).toEqual([
      [
        `close:${vestingClose.period}`,
        'units',
        vestingClose.period,
        'vested',
        '',
        '',
        String(-closed.unitsIssued),
        expect.any(String),
      ],
    ]);
    expect(rows.filter((r) => r[3] === 'unvested' && BigInt(r[6]) > 0n)).toEqual([
      [
        `close:${vestingClose.period}`,
        'units',
        vestingClose.period,
        'unvested',
        '',
        '',
        String(closed.unitsIssued),
        expect.any(String),
      ],
    ]);
  });
});
