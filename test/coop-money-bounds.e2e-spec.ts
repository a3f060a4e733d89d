import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { PeriodResult, PeriodSnapshot } from '@guildhall/coop';
import { signUp, type SignedUp } from './utils/factories';
import { freshDatabase } from './utils/fresh-database';
import { createTestApp, type GraphqlError, type TestApp } from './utils/test-app';

const SECRET = 'coop-webhook-secret-coop-webhook-secret-0123';
const MAX_PAYMENT = 100_000_000_000;
const MAX_PERIOD_MONEY = 1_000_000_000_000_000;
type Close = { snapshot: PeriodSnapshot; result: PeriodResult };

/**
 * Finding 16: recorded money can never break a close. One payment is at most 10^11 cents; the
 * open period's opening balances plus its revenue and costs at most 10^15 (the engine needs safe
 * integers, 2^53 − 1 ≈ 9 × 10^15). Its own database: the balances it leaves would refuse every
 * later suite's payments.
 */
describe('cooperative money bounds (e2e)', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let t: TestApp;
  let db: DataSource;
  let admin: SignedUp;
  let ana: SignedUp;

  const errorOf = (res: { errors?: GraphqlError[] }) => res.errors?.[0]?.extensions;
  const gql = async <T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> => {
    const res = await t.gql<T>(query, variables, token);
    if (!res.data || res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const close = async (): Promise<Close> =>
    (await gql<{ closePeriod: Close }>('mutation { closePeriod { snapshot result } }', {}, admin.token)).closePeriod;
  const webhook = (body: object) => {
    const raw = JSON.stringify(body);
    return t
      .http()
      .post('/api/v1/coop/payments')
      .set('content-type', 'application/json')
      .set('x-guildhall-signature', `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`)
      .send(raw);
  };
  const payments = async () => (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM coop_payments`))[0].n;
  /** Payments as if recorded one by one through the API (10,000 webhook calls would be slow). */
  const seedPayments = (kind: 'revenue' | 'cost', count: number, amount: number) =>
    db.query(
      `INSERT INTO coop_payments (id, kind, amount_cents, memo)
       SELECT $1 || '-' || i, $2, $3, '' FROM generate_series(1, $4::int) i`,
      [`seed-${kind}-${Date.now()}`, kind, amount, count],
    );

  beforeAll(async () => {
    database = await freshDatabase();
    t = await createTestApp({ DATABASE_URL: database.url, COOP_WEBHOOK_SECRET: SECRET });
    db = t.app.get(DataSource);
    admin = await signUp(t);
    await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [admin.account.id]);
    ana = await signUp(t);
    await gql('mutation { applyForMembership { status } }', {}, ana.token);
    await gql('mutation($h: String!) { admitMember(handle: $h) { status } }', { h: ana.username }, admin.token);
    await db.query(`UPDATE coop_members SET joined_at = now() - interval '30 days'`);
  });

  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('refuses one payment over 10^11 cents at the webhook (2^53 − 1 included), storing nothing', async () => {
    for (const amountCents of [MAX_PAYMENT + 1, Number.MAX_SAFE_INTEGER]) {
      const res = await webhook({ id: `big-${amountCents}`, amountCents });
      expect(res.status).toBe(400);
      expect((res.body as { message: string[] }).message).toEqual(['amountCents: an integer from 1 to 100000000000']);
    }
    expect(await payments()).toBe(0);
  });

  it('takes payments up to 10^15 cents in the open period, refuses one cent more, and the close succeeds', async () => {
    await seedPayments('revenue', 9_999, MAX_PAYMENT);
    const last = await webhook({ id: 'last', amountCents: MAX_PAYMENT, memberHandle: ana.username });
    expect(last.status).toBe(200);
    const over = await webhook({ id: 'one-cent-more', amountCents: 1 });
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ reason: 'PAYMENT_OUT_OF_BOUNDS' });
    expect((over.body as { message: string }).message).toContain(`holds ${MAX_PERIOD_MONEY}, room for 0 more`);
    const cost = await t.gql(
      'mutation($i: RecordPaymentInput!) { recordCost(input: $i) { id } }',
      { i: { amountCents: 1 } },
      admin.token,
    );
    expect(errorOf(cost)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PAYMENT_OUT_OF_BOUNDS' });
    expect(await payments()).toBe(10_000);

    const { snapshot, result } = await close();
    expect(snapshot.money).toEqual({ revenue: MAX_PERIOD_MONEY, costs: 0 });
    expect(result.net).toBe(MAX_PERIOD_MONEY);
    const { reserve, commons, lossCarryforward } = result;
    expect(reserve.closing + commons.closing + lossCarryforward.closing).toBeLessThanOrEqual(MAX_PERIOD_MONEY);
  });

  it('counts the opening balances: the next period takes only what is left, and its close succeeds too', async () => {
    const [{ opening }] = await db.query<{ opening: string }[]>(
      `SELECT ((result->'reserve'->>'closing')::numeric + (result->'commons'->>'closing')::numeric
               + (result->'lossCarryforward'->>'closing')::numeric)::text AS opening
         FROM coop_periods WHERE status = 'closed' ORDER BY seq DESC LIMIT 1`,
    );
    const room = MAX_PERIOD_MONEY - Number(opening);
    expect(room).toBeGreaterThan(MAX_PAYMENT);
    await seedPayments('cost', Math.floor(room / MAX_PAYMENT), MAX_PAYMENT);
    const rest = room % MAX_PAYMENT;
    if (rest > 0) expect((await webhook({ id: 'rest', kind: 'cost', amountCents: rest })).status).toBe(200);
    const over = await webhook({ id: 'over', kind: 'cost', amountCents: 1 });
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ reason: 'PAYMENT_OUT_OF_BOUNDS' });

    const { snapshot, result } = await close();
    expect(snapshot.money.costs).toBe(room);
    expect(result.net).toBe(-room);
    expect(result.reserve.absorbedLoss + result.lossCarryforward.closing).toBe(room);
  });
});
