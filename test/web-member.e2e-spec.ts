import { DataSource } from 'typeorm';
import { type CoopAllocationModel, expectedCloseEnd, memberPseudonym, type PeriodResult } from '@guildhall/coop';
import { Formatter } from '../apps/server/src/web/format';
import { pseudonymKey } from './utils/coop';
import { eventually } from './utils/eventually';
import { signUp, type SignedUp } from './utils/factories';
import { FormClient } from './utils/oauth-pages';
import { freshDatabase } from './utils/fresh-database';
import { createTestApp, type TestApp } from './utils/test-app';
import { csrfOf, submit, webClient } from './utils/web';

const fmt = new Formatter('en');
const eur = (cents: number) => fmt.money(cents, 'EUR');

describe('web app: ownership, contributions and membership', () => {
  let t: TestApp;
  // Its own database: the figures depend on the capital policy and the periods, which other
  // suites of the run change.
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let db: DataSource;
  let admin: SignedUp;
  let ana: SignedUp;
  let ben: SignedUp;
  let cy: SignedUp;
  let carl: SignedUp;
  let closed: PeriodResult;
  let anaPosts: string[];

  const gql = async <T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> => {
    const res = await t.gql<T>(query, variables, token);
    if (!res.data || res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const post = async (who: SignedUp, content: string) =>
    (
      await gql<{ createPost: { id: string } }>(
        'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
        { input: { content, visibility: 'PUBLIC' } },
        who.token,
      )
    ).createPost.id;
  const like = (who: SignedUp, id: string) => gql('mutation($id: ID!) { likePost(id: $id) { id } }', { id }, who.token);
  const admit = async (who: SignedUp) => {
    await gql('mutation { applyForMembership { status } }', {}, who.token);
    await gql('mutation($h: String!) { admitMember(handle: $h) { status } }', { h: who.username }, admin.token);
  };
  const close = async () =>
    (await gql<{ closePeriod: { result: PeriodResult } }>('mutation { closePeriod { result } }', {}, admin.token))
      .closePeriod.result;
  const status = async (who: SignedUp) =>
    (await db.query<{ status: string }[]>(`SELECT status FROM coop_members WHERE account_id = $1`, [who.account.id]))[0]
      ?.status ?? null;
  /** Contributions recorded since the suite began (other suites may share the database). */
  let eventsBefore = 0;
  const eventCount = async () =>
    (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM coop_events`))[0].n - eventsBefore;

  beforeAll(async () => {
    database = await freshDatabase();
    t = await createTestApp({ DATABASE_URL: database.url });
    db = t.app.get(DataSource);
    eventsBefore = await eventCount();
    admin = await signUp(t);
    await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [admin.account.id]);
    [ana, ben, cy, carl] = [await signUp(t), await signUp(t), await signUp(t), await signUp(t)];
    await admit(ana);
    await admit(ben);
    await db.query(`UPDATE coop_members SET joined_at = now() - interval '30 days' WHERE account_id = ANY($1)`, [
      [ana.account.id, ben.account.id],
    ]);
    await close(); // whatever earlier work left open
    const a1 = await post(ana, 'first');
    await post(ana, 'second');
    await like(ben, a1);
    await gql(
      'mutation($i: RecordPaymentInput!) { recordRevenue(input: $i) { id } }',
      { i: { amountCents: 1_000_000 } },
      admin.token,
    );
    await gql(
      'mutation($i: RecordPaymentInput!) { recordCost(input: $i) { id } }',
      { i: { amountCents: 200_000 } },
      admin.token,
    );
    await eventually(eventCount, (n) => expect(n).toBe(3));
    closed = await close();

    // The open period: ana publishes three posts and deletes one; ben likes one; cy, admitted
    // today (too young to count), likes one and publishes.
    await admit(cy);
    anaPosts = [await post(ana, 'three'), await post(ana, 'four'), await post(ana, 'five')];
    await gql('mutation($id: ID!) { deletePost(id: $id) }', { id: anaPosts[2] }, ana.token);
    await like(ben, anaPosts[0]);
    await like(cy, anaPosts[1]);
    await post(cy, 'hello');
    await eventually(eventCount, (n) => expect(n).toBe(3 + 7));
    // The open period ends in two days: cy, admitted today, is too young to count in it.
    await db.query(`UPDATE coop_periods SET ends_at = now() + interval '2 days' WHERE status = 'open'`);
  });

  afterAll(async () => {
    await t.close();
    await database.drop();
  });

  it('sends signed-out visitors to sign in, coming back afterwards', async () => {
    const visitor = new FormClient(t, 'http://guildhall.test');
    for (const path of ['/ownership', '/ownership/contributions', '/membership']) {
      const res = await visitor.get(path);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/auth/sign_in?return_to=${encodeURIComponent(path)}`);
    }
  });

  it('shows a non-member (a steward too) the way in, and no holdings', async () => {
    for (const who of [carl, admin]) {
      const browser = await webClient(t, who);
      const res = await browser.get('/ownership');
      expect(res.status).toBe(200);
      expect(res.text).toContain('<h1>What I own</h1>');
      expect(res.text).toContain('You are not a member of the cooperative yet.');
      expect(res.text).toContain('<a href="/membership">Apply for membership</a>');
      expect(res.text).not.toContain('Allocation history');
      expect(res.text).not.toMatch(/<script|style=|<style/);
      const contributions = await browser.get('/ownership/contributions');
      expect(contributions.text).toContain("Only members' contributions count.");
      expect(contributions.text).not.toContain('Points so far');
    }
  });

  it("shows a member its units, vesting, capital by vintage, cash and allocation history with each amount's reason", async () => {
    const { myAllocations } = await gql<{ myAllocations: { edges: { node: CoopAllocationModel }[] } }>(
      `{ myAllocations(first: 40) { edges { node { periodId allocationCents cashCents retainedCents units
          pools { pool weight basis poolAmountCents poolBps amountCents } } } } }`,
      {},
      ana.token,
    );
    expect(myAllocations.edges).toHaveLength(1);
    const mine = myAllocations.edges[0].node;
    const key = await pseudonymKey(db, closed.period);
    const expected = closed.members.find((m) => m.id === memberPseudonym(key, ana.username))!;
    expect(mine.allocationCents).toBe(expected.allocation);
    // ana: 2 posts (20 points) + ben's whole budget (100) = 120 CREATOR points.
    expect(expected.points).toEqual({ CREATOR: 120 });
    const [open] = await db.query<{ id: string; seq: number; endsAt: Date }[]>(
      `SELECT id, seq, ends_at AS "endsAt" FROM coop_periods WHERE status = 'open'`,
    );

    const res = await (await webClient(t, ana)).get('/ownership');
    expect(res.status).toBe(200);
    const html = res.text;
    expect(html).toContain(
      `<span class="label">Unvested units</span><span class="value">${fmt.integer(expected.units)}</span>`,
    );
    expect(html).toContain('<span class="label">Vested units</span><span class="value">0</span>');
    // Issued at the close of `closed`, vesting three closes later (the bylaws' default).
    const vestsAt = expectedCloseEnd({ ...open, endsAt: new Date(open.endsAt) }, 3)!;
    expect(html).toContain(
      `<td><span class="nowrap">${closed.period}</span></td><td class="num">${fmt.integer(expected.units)}</td><td><span class="nowrap">3 closes · around ${fmt.date(vestsAt)}</span></td>`,
    );
    // Capital retained in this vintage, revolving 60 closes after it.
    const revolvesAt = expectedCloseEnd({ ...open, endsAt: new Date(open.endsAt) }, 60)!;
    expect(html).toContain(
      `<td><span class="nowrap">${closed.period}</span></td><td class="num">${eur(expected.retained)}</td><td class="num">${eur(0)}</td>` +
        `<td class="num">${eur(expected.retained)}</td><td><span class="nowrap">60 closes · around ${fmt.date(revolvesAt)}</span></td>`,
    );
    expect(html).toContain(
      `<span class="label">Capital account</span><span class="value">${eur(expected.retained)}</span>`,
    );
    expect(html).toContain(`<span class="label">Payable</span><span class="value">${eur(expected.cash)}</span>`);
    expect(html).toContain(`<span class="label">Received</span><span class="value">${eur(0)}</span>`);
    const creator = mine.pools.find((p) => p.pool === 'CREATOR')!;
    expect(html).toContain(
      `<li><strong>CREATOR</strong>: 120 of ${fmt.integer(creator.basis)} points of a pool of ${eur(creator.poolAmountCents)} ` +
        `(60% of patronage) → ${eur(creator.amountCents)}</li>`,
    );
    expect(html).toContain(
      `<td class="num">${eur(expected.allocation)}</td><td class="num">${eur(expected.cash)}</td>` +
        `<td class="num">${eur(expected.retained)}</td><td class="num">${fmt.integer(expected.units)}</td>`,
    );
    expect(html).toContain(
      `aria-label="Patronage per period, ${closed.period} to ${closed.period}: ${eur(expected.allocation)} in 1 periods, cash and retained."`,
    );
    expect(html).toMatch(/<svg viewBox="0 0 720 220" role="img"/);
    expect(html).not.toMatch(/<script|style=|<style/);
  });

  it('shows a member admitted after the last close its holdings and an empty history', async () => {
    const html = (await webClient(t, cy)).get('/ownership');
    const text = (await html).text;
    expect(text).toContain('No period has closed with an allocation for you yet.');
    expect(text).toContain('No unvested units: everything issued to you has vested.');
    expect(text).toContain('Nothing retained yet.');
  });

  it("shows this period's contributions: what counts, what was reversed and why", async () => {
    const res = await (await webClient(t, ana)).get('/ownership/contributions');
    expect(res.status).toBe(200);
    const html = res.text;
    // 2 live posts × 10 + ben's budget (100, ana only) = 120 CREATOR points.
    expect(html).toContain('<span class="label">CREATOR pool</span><span class="value">120</span>');
    expect(html).toContain(
      '<td>Post published</td><td>10 points each, up to 100</td><td>CREATOR</td><td class="num">20</td>',
    );
    expect(html).toContain(
      `<td>@${ben.username}</td><td class="num">1</td><td class="num">100</td><td class="num">100</td>`,
    );
    expect(html).toContain('<span class="badge danger">Reversed</span> the post was deleted');
    expect(html).toContain(
      `<td>@${cy.username}</td><td><span class="badge">Not counted</span> @${cy.username} is not eligible this period (too new a member, or not active)</td>`,
    );
    expect(html).toContain(`<span class="badge ok">Counts</span> toward @${ben.username}'s budget`);
    expect(html).toContain('5 events · 1 reversed · 1 not counted.');
    expect(html).toContain(`href="/posts/${anaPosts[0]}"`);
  });

  it('gives the same preview through GraphQL (myContributions), to members only', async () => {
    const query = `query($last: Int) { myContributions { periodId eligible points { pool points } eventCount
      budgets { actor objects budget points } events(last: $last) { type outcome points reversedBy } } }`;
    const { myContributions } = await gql<{
      myContributions: {
        eligible: boolean;
        points: { pool: string; points: number }[];
        eventCount: number;
        budgets: { actor: string; objects: number; budget: number; points: number }[];
        events: { type: string; outcome: string; points: number | null; reversedBy: string | null }[];
      };
    }>(query, { last: 3 }, ana.token);
    expect(myContributions.eligible).toBe(true);
    expect(myContributions.points).toEqual([{ pool: 'CREATOR', points: 120 }]);
    expect(myContributions.eventCount).toBe(5);
    expect(myContributions.budgets).toEqual([{ actor: ben.username, objects: 1, budget: 100, points: 100 }]);
    expect(myContributions.events).toEqual([
      { type: 'PUBLISHED', outcome: 'reversed', points: null, reversedBy: `reversal:published:${anaPosts[2]}` },
      { type: 'ENGAGED', outcome: 'engaged', points: null, reversedBy: null },
      { type: 'ENGAGED', outcome: 'actor-ineligible', points: null, reversedBy: null },
    ]);
    expect((await t.gql(query, { last: 101 }, ana.token)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await t.gql(query, {})).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql<{ myContributions: null }>(query, {}, carl.token)).myContributions).toBeNull();
  });

  it('tells a too-young member that nothing counts yet, and from when', async () => {
    const html = (await (await webClient(t, cy)).get('/ownership/contributions')).text;
    expect(html).toContain(
      '<p class="notice warn" role="status">Nothing counts for you this period: members count from 7 days after joining',
    );
    expect(html).toContain('<span class="label">CREATOR pool</span><span class="value">0</span>');
  });

  it('lets a non-member apply, once; the actor is always the session', async () => {
    const browser = await webClient(t, carl);
    const page = await browser.get('/membership');
    expect(page.text).toContain('Apply for membership');
    expect(page.text).toContain(`membership share of ${eur(1000)}`);
    const res = await browser.post('/membership/apply', {
      authenticity_token: csrfOf(page.text),
      accountId: admin.account.id, // ignored: the session's account applies
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/membership');
    expect(await status(carl)).toBe('pending');
    expect(await status(admin)).toBeNull();
    const after = await browser.get('/membership');
    expect(after.text).toContain('Application sent: a steward will review it.');
    expect(after.text).toContain('Application pending');
    const again = await submit(browser, '/membership', '/membership/apply', {});
    expect(again.status).toBe(409);
    expect(again.text).toContain('This account applied already');
  });

  it('refuses forged applications and changes nothing', async () => {
    const victim = await signUp(t);
    const browser = await webClient(t, victim);
    const other = await webClient(t, carl);
    const token = csrfOf((await browser.get('/membership')).text);
    const otherToken = csrfOf((await other.get('/membership')).text);
    expect((await browser.post('/membership/apply', {})).status).toBe(403);
    expect((await browser.post('/membership/apply', { authenticity_token: otherToken })).status).toBe(403);
    expect(
      (await browser.post('/membership/apply', { authenticity_token: token }, 'https://evil.example')).status,
    ).toBe(403);
    expect(await status(victim)).toBeNull();
  });

  it('withdraws only after the confirmation step, which says what happens to units, share and capital', async () => {
    const [holdings] = await db.query<{ units: string }[]>(
      `SELECT coalesce(-sum(p.amount), 0)::text AS units FROM coop_postings p JOIN coop_journal_entries e ON e.id = p.entry_id
        WHERE e.ledger = 'units' AND p.member_id = $1 AND p.account IN ('vested', 'unvested')`,
      [ben.account.id],
    );
    const browser = await webClient(t, ben);
    const page = await browser.get('/membership');
    expect(page.text).toContain('Withdraw from the cooperative');
    const asked = await browser.post('/membership/withdraw', { authenticity_token: csrfOf(page.text) });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('<h1>Withdraw from the cooperative?</h1>');
    expect(asked.text).toContain(`Your ${fmt.integer(Number(holdings.units))} equity units are retired`);
    expect(asked.text).toContain(`Your membership share of ${eur(1000)} is redeemed at par`);
    expect(asked.text).toContain('revolves on the usual schedule');
    expect(await status(ben)).toBe('active');

    // The confirmation without a token, or from another origin, changes nothing.
    expect((await browser.post('/membership/withdraw', { confirm: 'yes' })).status).toBe(403);
    expect(
      (
        await browser.post(
          '/membership/withdraw',
          { confirm: 'yes', authenticity_token: csrfOf(asked.text) },
          'https://evil.example',
        )
      ).status,
    ).toBe(403);
    expect(await status(ben)).toBe('active');

    const done = await browser.post('/membership/withdraw', { confirm: 'yes', authenticity_token: csrfOf(asked.text) });
    expect(done.status).toBe(303);
    expect(await status(ben)).toBe('withdrawn');
    expect((await browser.get('/membership')).text).toContain('You left the cooperative');
    const again = await submit(browser, '/membership', '/membership/withdraw', { confirm: 'yes' });
    expect(again.status).toBe(403);
    expect(again.text).toContain('Not a member in good standing');
  });

  it("never withdraws another member: a forged id is ignored and the session's own membership is asked about", async () => {
    const browser = await webClient(t, carl); // pending: not a member in good standing
    const res = await submit(browser, '/membership', '/membership/withdraw', {
      confirm: 'yes',
      accountId: ana.account.id,
    });
    expect(res.status).toBe(403);
    expect(res.text).toContain('Not a member in good standing');
    expect(await status(ana)).toBe('active');
    expect(await status(carl)).toBe('pending');
  });
});
