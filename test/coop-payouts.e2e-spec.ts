import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { memberPseudonym, type MemberResult, type PeriodResult, type PeriodSnapshot } from '@guildhall/coop';
import { pseudonymKey } from './utils/coop';
import { signUp, type SignedUp } from './utils/factories';
import { cleanEnv, run } from './utils/spawn';
import { createTestApp, type GraphqlError, type TestApp } from './utils/test-app';

const CLOSE = /* GraphQL */ `
  mutation ($period: String) {
    closePeriod(period: $period) {
      snapshot
      result
    }
  }
`;
const RUN_PAYOUTS = /* GraphQL */ `
  mutation {
    runPayouts {
      period
      posted
      totalCents
      revolved {
        vintage
        members
        amountCents
      }
      payouts {
        accountId
        handle
        patronageCents
        redemptionCents
        totalCents
        finalSettlement
      }
    }
  }
`;
const REDEEM = /* GraphQL */ `
  mutation ($through: String!) {
    redeemVintages(through: $through) {
      vintage
      members
      amountCents
    }
  }
`;
const SET_POLICY = /* GraphQL */ `
  mutation ($input: SetCapitalPolicyInput!) {
    setCapitalPolicy(input: $input) {
      revolvingPeriods
      minPayoutCents
      reason
    }
  }
`;
const MY_COOP = /* GraphQL */ `
  query {
    myCoop {
      status
      capital {
        vintage
        balanceCents
        retainedCents
        redeemedCents
        periodsUntilRevolved
      }
      capitalCents
      cashAllocatedCents
      cashPaidCents
      cashPayableCents
      redemptionPayableCents
      redemptionPaidCents
      payableCents
      paidOutCents
    }
  }
`;
const PAYABLES = /* GraphQL */ `
  query ($first: Int, $after: String) {
    coopPayables(first: $first, after: $after) {
      edges {
        cursor
        node {
          accountId
          handle
          status
          patronageCents
          redemptionCents
          totalCents
          dueNextRun
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** `key`: the period's pseudonym key, to find a member in the result (ADR 0022). */
type Close = { snapshot: PeriodSnapshot; result: PeriodResult; key: string };
type Payout = {
  accountId: string;
  handle: string;
  patronageCents: number;
  redemptionCents: number;
  totalCents: number;
  finalSettlement: boolean;
};
type PayoutRun = {
  period: string;
  posted: boolean;
  totalCents: number;
  revolved: { vintage: string; members: number; amountCents: number }[];
  payouts: Payout[];
};
type Vintage = {
  vintage: string;
  balanceCents: number;
  retainedCents: number;
  redeemedCents: number;
  periodsUntilRevolved: number | null;
};
type MyCoop = {
  status: string;
  capital: Vintage[];
  capitalCents: number;
  cashAllocatedCents: number;
  cashPaidCents: number;
  cashPayableCents: number;
  redemptionPayableCents: number;
  redemptionPaidCents: number;
  payableCents: number;
  paidOutCents: number;
};
type Payable = {
  accountId: string;
  handle: string;
  status: string;
  patronageCents: number;
  redemptionCents: number;
  totalCents: number;
  dueNextRun: boolean;
};

/**
 * Capital accounts and payouts: a payout run after each close pays members owed at least the
 * minimum and members who left in any amount; vintages revolve N periods after they closed (a
 * withdrawn member's too) or when the board redeems them; everything replays from the journal.
 * Other suites share the database: every assertion is about this suite's own members.
 */
describe('cooperative capital and payouts (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  let dir: string;
  let admin: SignedUp;
  let ana: SignedUp;
  let ben: SignedUp;
  let cy: SignedUp;
  let earned: Close; // ana, ben and cy earn here: vintage V1
  let threshold: number;

  const gql = async <T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> => {
    const res = await t.gql<T>(query, variables, token);
    if (!res.data || res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const errorOf = (res: { errors?: GraphqlError[] }) => res.errors?.[0]?.extensions;
  const close = async (): Promise<Close> => {
    const { closePeriod } = await gql<{ closePeriod: Omit<Close, 'key'> }>(CLOSE, {}, admin.token);
    return { ...closePeriod, key: await pseudonymKey(db, closePeriod.result.period) };
  };
  const runPayouts = async (): Promise<PayoutRun> =>
    (await gql<{ runPayouts: PayoutRun }>(RUN_PAYOUTS, {}, admin.token)).runPayouts;
  const myCoop = async (who: SignedUp): Promise<MyCoop> =>
    (await gql<{ myCoop: MyCoop }>(MY_COOP, {}, who.token)).myCoop;
  const setPolicy = (input: Record<string, unknown>) => gql(SET_POLICY, { input }, admin.token);
  const post = (who: SignedUp, content: string) =>
    gql(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      {
        input: { content, visibility: 'PUBLIC' },
      },
      who.token,
    );
  const revenue = (amountCents: number) =>
    gql('mutation($i: RecordPaymentInput!) { recordRevenue(input: $i) { id } }', { i: { amountCents } }, admin.token);
  const mine = (run: PayoutRun) => run.payouts.filter((p) => [ana, ben, cy].some((m) => m.account.id === p.accountId));
  const payoutOf = (run: PayoutRun, who: SignedUp) => run.payouts.find((p) => p.accountId === who.account.id);
  const memberOf = (close: Close, who: SignedUp): MemberResult => {
    const member = close.result.members.find((m) => m.id === memberPseudonym(close.key, who.username));
    if (!member) throw new Error(`${who.username} earned nothing in ${close.result.period}`);
    return member;
  };
  const postings = async () =>
    Number((await db.query<{ n: string }[]>('SELECT count(*) AS n FROM coop_postings'))[0].n);
  const entry = (key: string) =>
    db.query<{ account: string; memberId: string | null; vintage: string | null; amount: string }[]>(
      `SELECT p.account, p.member_id AS "memberId", p.vintage, p.amount::text AS amount
         FROM coop_journal_entries e JOIN coop_postings p ON p.entry_id = e.id
        WHERE e.key = $1 ORDER BY p.id`,
      [key],
    );

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    dir = mkdtempSync(join(tmpdir(), 'guildhall-coop-payouts-'));
    admin = await signUp(t);
    await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [admin.account.id]);
    [ana, ben, cy] = [await signUp(t), await signUp(t), await signUp(t)];
    for (const member of [ana, ben, cy]) {
      await gql('mutation { applyForMembership { status } }', {}, member.token);
      await gql('mutation($h: String!) { admitMember(handle: $h) { status } }', { h: member.username }, admin.token);
    }
    await db.query(`UPDATE coop_members SET joined_at = now() - interval '30 days' WHERE account_id = ANY($1)`, [
      [ana.account.id, ben.account.id, cy.account.id],
    ]);
    // A vintage revolves two closes after its own; whatever earlier runs left open closes first,
    // and its payout run settles what earlier suites left payable.
    await setPolicy({ revolvingPeriods: 2, minPayoutCents: 2500, reason: 'e2e' });
    await close();
    await runPayouts();

    // ana publishes three posts, ben and cy one each: all three earn CREATOR patronage.
    for (const content of ['a1', 'a2', 'a3']) await post(ana, content);
    await post(ben, 'b1');
    await post(cy, 'c1');
    await revenue(400_000);
    earned = await close();
    // The threshold is exactly ana's cash: ana is paid, ben and cy (a third of it) are not.
    threshold = memberOf(earned, ana).cash;
    await setPolicy({ minPayoutCents: threshold });
  });

  afterAll(async () => {
    // Leave the bylaws' defaults in force for whatever runs next.
    await setPolicy({ revolvingPeriods: 60, minPayoutCents: 2500, reason: 'defaults' });
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it('pays members owed at least the minimum payout and carries the rest forward', async () => {
    const a = memberOf(earned, ana);
    const b = memberOf(earned, ben);
    const c = memberOf(earned, cy);
    expect(b.cash).toBeLessThan(threshold);
    expect(c.cash).toBeLessThan(threshold);

    const run = await runPayouts();
    expect(run.period).toBe(earned.result.period);
    expect(run.posted).toBe(true);
    expect(mine(run)).toEqual([
      {
        accountId: ana.account.id,
        handle: ana.username,
        patronageCents: a.cash,
        redemptionCents: 0,
        totalCents: a.cash,
        finalSettlement: false,
      },
    ]);
    expect(run.revolved.map((r) => r.vintage)).not.toContain(earned.result.period);

    const lines = await entry(`payout:${earned.result.period}`);
    expect(lines).toContainEqual({
      account: 'patronage_payable',
      memberId: ana.account.id,
      vintage: null,
      amount: String(a.cash),
    });
    expect(lines.filter((l) => l.account === 'cash')).toEqual([
      { account: 'cash', memberId: null, vintage: null, amount: String(-run.totalCents) },
    ]);
    expect(lines.reduce((sum, l) => sum + BigInt(l.amount), 0n)).toBe(0n);

    expect(await myCoop(ana)).toMatchObject({
      cashAllocatedCents: a.cash,
      cashPaidCents: a.cash,
      cashPayableCents: 0,
      payableCents: 0,
      paidOutCents: a.cash,
      capitalCents: a.retained,
      capital: [
        {
          vintage: earned.result.period,
          balanceCents: a.retained,
          retainedCents: a.retained,
          redeemedCents: 0,
          periodsUntilRevolved: 2,
        },
      ],
    });
    expect(await myCoop(ben)).toMatchObject({
      cashAllocatedCents: b.cash,
      cashPaidCents: 0,
      cashPayableCents: b.cash,
      payableCents: b.cash,
      paidOutCents: 0,
    });
  });

  it('posts nothing when the run is repeated, and returns what the run paid', async () => {
    const before = await postings();
    const first = await runPayouts();
    const again = await runPayouts();
    expect(again.posted).toBe(false);
    expect(again).toEqual(first);
    expect(payoutOf(again, ana)?.totalCents).toBe(memberOf(earned, ana).cash);
    expect(await postings()).toBe(before);
  });

  it('lists payables to admins: who the next run pays and who is carried', async () => {
    const rows: Payable[] = [];
    let after: string | null = null;
    for (;;) {
      const page: {
        coopPayables: { edges: { node: Payable }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      } = await gql(PAYABLES, { first: 40, after }, admin.token);
      rows.push(...page.coopPayables.edges.map((e) => e.node));
      if (!page.coopPayables.pageInfo.hasNextPage) break;
      after = page.coopPayables.pageInfo.endCursor;
    }
    const b = memberOf(earned, ben);
    expect(rows.find((r) => r.accountId === ben.account.id)).toEqual({
      accountId: ben.account.id,
      handle: ben.username,
      status: 'active',
      patronageCents: b.cash,
      redemptionCents: 0,
      totalCents: b.cash,
      dueNextRun: false,
    });
    expect(rows.find((r) => r.accountId === ana.account.id)).toBeUndefined();
  });

  it('refuses non-admins and bad input, changing nothing', async () => {
    const before = await postings();
    expect(errorOf(await t.gql(RUN_PAYOUTS, {}, ana.token))?.code).toBe('FORBIDDEN');
    expect(errorOf(await t.gql(RUN_PAYOUTS, {}))?.code).toBe('UNAUTHENTICATED');
    expect(errorOf(await t.gql(REDEEM, { through: earned.result.period }, ana.token))?.code).toBe('FORBIDDEN');
    expect(errorOf(await t.gql(PAYABLES, {}, ana.token))?.code).toBe('FORBIDDEN');
    expect(errorOf(await t.gql(SET_POLICY, { input: { minPayoutCents: 0 } }, ana.token))?.code).toBe('FORBIDDEN');

    const [{ id: open }] = await db.query<{ id: string }[]>(`SELECT id FROM coop_periods WHERE status = 'open'`);
    for (const through of ['1999-01', open, 'nope', '']) {
      const error = errorOf(await t.gql(REDEEM, { through }, admin.token));
      expect(error?.code).toBe('BAD_USER_INPUT');
      expect(error?.reason).toBe('UNKNOWN_VINTAGE');
    }
    const outside = errorOf(await t.gql(SET_POLICY, { input: { revolvingPeriods: 0 } }, admin.token));
    expect(outside).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'OUTSIDE_BYLAWS', field: 'revolvingPeriods' });
    const tooHigh = errorOf(await t.gql(SET_POLICY, { input: { minPayoutCents: 100_001 } }, admin.token));
    expect(tooHigh).toMatchObject({ code: 'BAD_USER_INPUT', field: 'minPayoutCents' });
    expect(
      await gql<{ capitalPolicy: unknown }>('query { capitalPolicy { revolvingPeriods minPayoutCents } }', {}),
    ).toEqual({ capitalPolicy: { revolvingPeriods: 2, minPayoutCents: threshold } });
    expect(await postings()).toBe(before);
  });

  it('settles a member who withdrew at the next run in any amount; its capital waits for its vintage', async () => {
    const c = memberOf(earned, cy);
    await gql('mutation { withdrawMembership { status } }', {}, cy.token);
    const left = await myCoop(cy);
    expect(left).toMatchObject({
      status: 'withdrawn',
      cashPayableCents: c.cash,
      redemptionPayableCents: 1000,
      payableCents: c.cash + 1000,
      capital: [{ vintage: earned.result.period, balanceCents: c.retained, periodsUntilRevolved: 2 }],
    });

    const next = await close(); // one close after V1: not due yet
    const run = await runPayouts();
    expect(run.period).toBe(next.result.period);
    expect(run.revolved.map((r) => r.vintage)).not.toContain(earned.result.period);
    expect(payoutOf(run, cy)).toEqual({
      accountId: cy.account.id,
      handle: cy.username,
      patronageCents: c.cash,
      redemptionCents: 1000,
      totalCents: c.cash + 1000,
      finalSettlement: true,
    });
    expect(c.cash + 1000).toBeLessThan(threshold); // below the minimum: paid as its final settlement
    expect(payoutOf(run, ben)).toBeUndefined(); // still below the minimum, still carried
    expect(await myCoop(cy)).toMatchObject({
      payableCents: 0,
      paidOutCents: c.cash + 1000,
      capitalCents: c.retained,
      capital: [{ vintage: earned.result.period, balanceCents: c.retained, periodsUntilRevolved: 1 }],
    });
    expect((await myCoop(ben)).cashPayableCents).toBe(memberOf(earned, ben).cash);
  });

  let redeemable: Close; // ana earns again: vintage V3, redeemed early by the board

  it('revolves a vintage two closes after it, a withdrawn member’s capital included, and pays it', async () => {
    await post(ana, 'a4');
    await revenue(100_000);
    redeemable = await close(); // two closes after V1: V1 is due
    const [a, b, c] = [memberOf(earned, ana), memberOf(earned, ben), memberOf(earned, cy)];
    const run = await runPayouts();
    // Only this suite's members earned in V1.
    expect(run.revolved.find((r) => r.vintage === earned.result.period)).toEqual({
      vintage: earned.result.period,
      members: 3,
      amountCents: a.retained + b.retained + c.retained,
    });
    expect(run.revolved.map((r) => r.vintage)).not.toContain(redeemable.result.period);

    const revolve = await entry(`revolve:${earned.result.period}`);
    for (const [who, m] of [
      [ana, a],
      [ben, b],
      [cy, c],
    ] as const) {
      expect(revolve).toContainEqual({
        account: 'capital',
        memberId: who.account.id,
        vintage: earned.result.period,
        amount: String(m.retained),
      });
      expect(revolve).toContainEqual({
        account: 'redemption_payable',
        memberId: who.account.id,
        vintage: null,
        amount: String(-m.retained),
      });
    }
    expect(revolve.reduce((sum, l) => sum + BigInt(l.amount), 0n)).toBe(0n);

    // ana: her V1 capital, and this period's cash (her allocation's cash part ≥ the minimum).
    const a3 = memberOf(redeemable, ana);
    expect(payoutOf(run, ana)).toMatchObject({ patronageCents: a3.cash, redemptionCents: a.retained });
    // ben: his carried cash with his V1 capital now reaches the minimum.
    expect(b.cash + b.retained).toBeGreaterThanOrEqual(threshold);
    expect(payoutOf(run, ben)).toMatchObject({ patronageCents: b.cash, redemptionCents: b.retained });
    // cy left: paid its V1 capital as soon as it revolved.
    expect(payoutOf(run, cy)).toMatchObject({ patronageCents: 0, redemptionCents: c.retained, finalSettlement: true });

    expect(await myCoop(cy)).toMatchObject({
      capitalCents: 0,
      capital: [
        {
          vintage: earned.result.period,
          balanceCents: 0,
          retainedCents: c.retained,
          redeemedCents: c.retained,
          periodsUntilRevolved: null,
        },
      ],
      payableCents: 0,
      paidOutCents: c.cash + 1000 + c.retained,
      redemptionPaidCents: 1000 + c.retained,
    });
    expect(await myCoop(ben)).toMatchObject({
      capitalCents: 0,
      payableCents: 0,
      cashPaidCents: b.cash,
      redemptionPaidCents: b.retained,
      paidOutCents: b.cash + b.retained,
    });
    // A vintage revolves once: redeeming it again posts nothing.
    expect(
      (await gql<{ redeemVintages: unknown[] }>(REDEEM, { through: earned.result.period }, admin.token)).redeemVintages,
    ).toEqual([]);
  });

  it('redeems vintages early when the board decides, once', async () => {
    const a3 = memberOf(redeemable, ana);
    expect((await myCoop(ana)).capital.find((v) => v.vintage === redeemable.result.period)).toEqual({
      vintage: redeemable.result.period,
      balanceCents: a3.retained,
      retainedCents: a3.retained,
      redeemedCents: 0,
      periodsUntilRevolved: 2,
    });
    const { redeemVintages } = await gql<{ redeemVintages: PayoutRun['revolved'] }>(
      REDEEM,
      { through: redeemable.result.period },
      admin.token,
    );
    expect(redeemVintages).toEqual([{ vintage: redeemable.result.period, members: 1, amountCents: a3.retained }]);
    expect(
      (await gql<{ redeemVintages: unknown[] }>(REDEEM, { through: redeemable.result.period }, admin.token))
        .redeemVintages,
    ).toEqual([]);
    expect(await myCoop(ana)).toMatchObject({ capitalCents: 0, redemptionPayableCents: a3.retained });
  });

  let latestClosed: string;

  it('posts one payout run when two race for the same period', async () => {
    const a = await myCoop(ana);
    expect(a.redemptionPayableCents).toBeGreaterThanOrEqual(threshold); // her early-redeemed V3 capital
    const raced = await close();
    const [x, y] = await Promise.all([runPayouts(), runPayouts()]);
    expect([x.posted, y.posted].sort()).toEqual([false, true]);
    expect({ ...x, posted: true }).toEqual({ ...y, posted: true });
    expect(x.period).toBe(raced.result.period);
    expect(payoutOf(x, ana)).toMatchObject({ patronageCents: 0, redemptionCents: a.redemptionPayableCents });
    const [{ n }] = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM coop_journal_entries WHERE key = $1`,
      [`payout:${raced.result.period}`],
    );
    expect(n).toBe(1);
    expect(await myCoop(ana)).toMatchObject({
      payableCents: 0,
      paidOutCents: a.paidOutCents + a.redemptionPayableCents,
    });
    latestClosed = raced.result.period;
  });

  it('replays every balance from the journal (coop verify) and exports the new entries as CSV', async () => {
    const verified = await run(
      ['dist/apps/cli/main.js', 'coop', 'verify'],
      cleanEnv({ DATABASE_URL: process.env.TEST_DATABASE_URL, DATA_DIR: dir }),
    );
    expect(verified.stderr).toBe('');
    const report = JSON.parse(verified.stdout) as {
      ok: boolean;
      closePostings: { period: string; ok: boolean }[];
      negativeBalances: unknown[];
    };
    expect(report.ok).toBe(true);
    expect(report.closePostings).toContainEqual({ period: earned.result.period, ok: true });
    expect(report.negativeBalances).toEqual([]);
    expect(verified.code).toBe(0);

    const csv = await t.http().get('/api/v1/coop/ledger.csv').set('authorization', `Bearer ${admin.token}`);
    expect(csv.status).toBe(200);
    const rows = csv.text.split('\r\n');
    expect(rows).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^payout:${earned.result.period.replace('.', '\\.')},money,[^,]+,patronage_payable,${ana.username},,${memberOf(earned, ana).cash},`,
        ),
      ),
    );
    expect(rows.some((r) => r.startsWith(`revolve:${earned.result.period},money,`))).toBe(true);
  });

  it('runs the payout run from the CLI too: this period is paid already, so it posts nothing', async () => {
    const before = await postings();
    const res = await run(
      ['dist/apps/cli/main.js', 'coop', 'payouts'],
      cleanEnv({ DATABASE_URL: process.env.TEST_DATABASE_URL, DATA_DIR: dir }),
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as PayoutRun;
    expect(out).toMatchObject({ period: latestClosed, posted: false });
    expect(await postings()).toBe(before);
  });
});
