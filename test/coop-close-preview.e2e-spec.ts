import { DataSource } from 'typeorm';
import {
  CapitalService,
  closePeriod as runEngine,
  PeriodService,
  type PeriodResult,
  type PeriodSnapshot,
} from '@guildhall/coop';
import { signUp, type SignedUp } from './utils/factories';
import { createTestApp, type GraphqlError, type TestApp } from './utils/test-app';
import { makeStaff } from './utils/web';

const PREVIEW = /* GraphQL */ `
  query {
    periodClosePreview {
      asOf
      snapshot
      result
    }
  }
`;
const CLOSE = /* GraphQL */ `
  mutation ($period: String, $asOf: DateTime) {
    closePeriod(period: $period, asOf: $asOf) {
      snapshot
      result
    }
  }
`;
type Close = { snapshot: PeriodSnapshot; result: PeriodResult };
type Preview = Close & { asOf: string };

/**
 * The close's preview (PeriodService.previewClose): the close's own snapshot and engine run in a
 * read-only transaction rolled back. Closing at the preview's `asOf` posts the same result, to the
 * hash, when nothing was recorded in between; previewing writes nothing. Closes, payout runs,
 * redemptions and capital policies are audit-logged with the acting account.
 */
describe('cooperative close preview and audit (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: SignedUp;
  let moderator: SignedUp;
  let ana: SignedUp;
  let ben: SignedUp;

  const gql = async <T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> => {
    const res = await t.gql<T>(query, variables, token);
    if (!res.data || res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const errorOf = (res: { errors?: GraphqlError[] }) => res.errors?.[0]?.extensions;
  const preview = async () => (await gql<{ periodClosePreview: Preview }>(PREVIEW, {}, admin.token)).periodClosePreview;
  const close = async (variables: Record<string, unknown> = {}) =>
    (await gql<{ closePeriod: Close }>(CLOSE, variables, admin.token)).closePeriod;
  const post = (who: SignedUp, content: string) =>
    gql<{ createPost: { id: string } }>(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input: { content, visibility: 'PUBLIC' } },
      who.token,
    );
  const revenue = (amountCents: number) =>
    gql('mutation($i: RecordPaymentInput!) { recordRevenue(input: $i) { id } }', { i: { amountCents } }, admin.token);
  /** Everything a close writes, as text: periods (all columns), ledger, audit log, outbox. */
  const writable = async () =>
    JSON.stringify(
      await db.query(
        `SELECT (SELECT json_agg(p ORDER BY p.seq)::text FROM coop_periods p) AS periods,
                (SELECT count(*) FROM coop_journal_entries) AS entries,
                (SELECT count(*) FROM coop_postings) AS postings,
                (SELECT count(*) FROM audit_entries) AS audit,
                (SELECT count(*) FROM coop_events) AS events,
                (SELECT count(*) FROM coop_payments) AS payments`,
      ),
    );
  /** This suite's admin's entries (suites of a run share the database). */
  const auditOf = (action: string, subject: string) =>
    db.query<{ actor_id: string | null; details: Record<string, unknown> }[]>(
      `SELECT actor_id, details FROM audit_entries WHERE action = $1 AND subject = $2 AND actor_id = $3 ORDER BY id`,
      [action, subject, admin.account.id],
    );

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    admin = await signUp(t);
    await makeStaff(t, admin.account.id, 'admin');
    moderator = await signUp(t);
    await makeStaff(t, moderator.account.id, 'moderator');
    [ana, ben] = [await signUp(t), await signUp(t)];
    for (const member of [ana, ben]) {
      await gql('mutation { applyForMembership { status } }', {}, member.token);
      await gql('mutation($h: String!) { admitMember(handle: $h) { status } }', { h: member.username }, admin.token);
    }
    await db.query(`UPDATE coop_members SET joined_at = now() - interval '30 days'`);
    // Whatever was open is closed first: the period under test starts empty.
    await close();
  });

  afterAll(() => t.close());

  it('previews exactly what the close then posts, and the preview writes nothing', async () => {
    const { id } = (await post(ana, 'first')).createPost;
    await post(ana, 'second');
    await post(ben, 'third');
    await gql('mutation($id: ID!) { likePost(id: $id) { id } }', { id }, ben.token);
    await revenue(250_000);
    const open = await t.app.get(PeriodService).openStatus();
    // Each open period has its pseudonym key from the start (the preview derives the close's names).
    const [{ key }] = await db.query<{ key: string | null }[]>(
      `SELECT pseudonym_key AS key FROM coop_periods WHERE id = $1`,
      [open.period.id],
    );
    expect(key).toMatch(/^[0-9a-f]{64}$/);

    const before = await writable();
    const seen = await preview();
    const again = await preview();
    expect(await writable()).toBe(before);
    // Previews of an unchanged period agree but for their own end; the result is the engine's.
    expect(again.result.members).toEqual(seen.result.members);
    expect(runEngine(seen.snapshot)).toEqual(seen.result);
    expect(seen.snapshot.period.id).toBe(open.period.id);
    expect(seen.snapshot.period.end).toBe(seen.asOf);
    expect(seen.snapshot.money).toEqual({ revenue: 250_000, costs: 0 });
    expect(seen.result.members).toHaveLength(2);

    const closed = await close({ period: open.period.id, asOf: seen.asOf });
    expect(closed.result.outputHash).toBe(seen.result.outputHash);
    expect(closed.result.inputHash).toBe(seen.result.inputHash);
    expect(closed.snapshot).toEqual(seen.snapshot);
    const [stored] = await db.query<{ output_hash: string; ends_at: Date; status: string }[]>(
      `SELECT output_hash, ends_at, status FROM coop_periods WHERE id = $1`,
      [open.period.id],
    );
    expect(stored).toEqual({ output_hash: seen.result.outputHash, ends_at: new Date(seen.asOf), status: 'closed' });
    // The close is audit-logged once, by the admin, with its hashes; closing again posts nothing.
    const entries = await auditOf('coop.close_period', open.period.id);
    expect(entries).toEqual([
      {
        actor_id: admin.account.id,
        details: {
          end: seen.asOf,
          inputHash: seen.result.inputHash,
          outputHash: seen.result.outputHash,
          revenueCents: 250_000,
          costsCents: 0,
          members: 2,
        },
      },
    ]);
    const twice = await close({ period: open.period.id, asOf: seen.asOf });
    expect(twice.result.outputHash).toBe(seen.result.outputHash);
    expect(await auditOf('coop.close_period', open.period.id)).toHaveLength(1);
  });

  it('closes with a different hash when something was recorded after the preview', async () => {
    await post(ana, 'before the preview');
    const seen = await preview();
    await revenue(1_000);
    const closed = await close({ period: seen.snapshot.period.id, asOf: seen.asOf });
    expect(closed.snapshot.money.revenue).toBe(1_000);
    expect(seen.snapshot.money.revenue).toBe(0);
    expect(closed.result.outputHash).not.toBe(seen.result.outputHash);
  });

  it('refuses a stale or future asOf, and previews only for admins', async () => {
    const open = await t.app.get(PeriodService).openStatus();
    const before = await writable();
    for (const asOf of [new Date(Date.now() - 2 * 3600_000), new Date(Date.now() + 60_000)]) {
      const res = await t.gql(CLOSE, { period: open.period.id, asOf: asOf.toISOString() }, admin.token);
      expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'STALE_PREVIEW' });
    }
    expect(await writable()).toBe(before);
    expect(errorOf(await t.gql(PREVIEW, {}, moderator.token))?.code).toBe('FORBIDDEN');
    expect(errorOf(await t.gql(PREVIEW, {}, ana.token))?.code).toBe('FORBIDDEN');
    expect(errorOf(await t.gql(PREVIEW, {}))?.code).toBe('UNAUTHENTICATED');
  });

  it('audit-logs payout runs, redemptions and capital policies set through GraphQL with the admin', async () => {
    const previous = await t.app.get(CapitalService).policy();
    await gql(
      'mutation($i: SetCapitalPolicyInput!) { setCapitalPolicy(input: $i) { revolvingPeriods } }',
      { i: { revolvingPeriods: 12, minPayoutCents: 100, reason: 'audit test' } },
      admin.token,
    );
    const [policy] = await auditOf('coop.set_capital_policy', 'capital policy');
    expect(policy).toEqual({
      actor_id: admin.account.id,
      details: {
        revolvingPeriods: 12,
        minPayoutCents: 100,
        previous: { revolvingPeriods: previous.revolvingPeriods, minPayoutCents: previous.minPayoutCents },
        reason: 'audit test',
      },
    });
    const { runPayouts } = await gql<{ runPayouts: { period: string; totalCents: number; posted: boolean } }>(
      'mutation { runPayouts { period totalCents posted } }',
      {},
      admin.token,
    );
    expect(runPayouts.posted).toBe(true);
    expect(await auditOf('coop.run_payouts', runPayouts.period)).toEqual([
      { actor_id: admin.account.id, details: expect.objectContaining({ totalCents: runPayouts.totalCents }) },
    ]);
    const { coopPayoutRuns } = await gql<{ coopPayoutRuns: { period: string; totalCents: number }[] }>(
      'query { coopPayoutRuns(first: 5) { period totalCents } }',
      {},
      admin.token,
    );
    expect(coopPayoutRuns[0]).toEqual({ period: runPayouts.period, totalCents: runPayouts.totalCents });
    const tooMany = await t.gql('query { coopPayoutRuns(first: 101) { period } }', {}, admin.token);
    expect(errorOf(tooMany)?.code).toBe('BAD_USER_INPUT');
    expect(errorOf(await t.gql('query { coopPayoutRuns { period } }', {}, moderator.token))?.code).toBe('FORBIDDEN');
    // The first close with allocations (the first test's) holds capital: redeemed once, logged once.
    const [{ id: vintage }] = await db.query<{ id: string }[]>(
      `SELECT id FROM coop_periods WHERE status = 'closed' ORDER BY seq DESC LIMIT 1`,
    );
    const { redeemVintages } = await gql<{ redeemVintages: { vintage: string; amountCents: number }[] }>(
      'mutation($v: String!) { redeemVintages(through: $v) { vintage amountCents } }',
      { v: vintage },
      admin.token,
    );
    expect(redeemVintages.map((r) => r.vintage)).toContain(vintage);
    const total = redeemVintages.reduce((sum, r) => sum + r.amountCents, 0);
    expect(await auditOf('coop.redeem_vintages', vintage)).toEqual([
      { actor_id: admin.account.id, details: { vintages: redeemVintages.map((r) => r.vintage), amountCents: total } },
    ]);
    await gql('mutation($v: String!) { redeemVintages(through: $v) { vintage } }', { v: vintage }, admin.token);
    expect(await auditOf('coop.redeem_vintages', vintage)).toHaveLength(1);
  });
});
