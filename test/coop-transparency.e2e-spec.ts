import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  canonicalHash,
  canonicalJson,
  closePeriod as runEngine,
  memberPseudonym,
  type ContributionEvent,
  type PeriodResult,
  type PublishedSnapshot,
  type PeriodSnapshot,
} from '@guildhall/coop';
import { internalSnapshot, publishedParts, pseudonymKey, setPublishedParts } from './utils/coop';
import { signUp, type SignedUp } from './utils/factories';
import { createTestApp, type GraphqlError, type TestApp } from './utils/test-app';

const CSP =
  "default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'";
const CLOSE = /* GraphQL */ `
  mutation ($period: String) {
    closePeriod(period: $period) {
      snapshot
      result
    }
  }
`;
const MY_COOP = /* GraphQL */ `
  query {
    myCoop {
      status
      sharePaidCents
      units {
        vested
        unvested
        retired
      }
      capital {
        vintage
        balanceCents
      }
      capitalCents
      cashAllocatedCents
      cashPaidCents
      cashPayableCents
      redemptionPayableCents
    }
  }
`;
const MY_ALLOCATIONS = /* GraphQL */ `
  query ($first: Int, $after: String) {
    myAllocations(first: $first, after: $after) {
      edges {
        cursor
        node {
          periodId
          pseudonym
          allocationCents
          cashCents
          retainedCents
          units
          pools {
            pool
            weight
            basis
            poolAmountCents
            poolBps
            amountCents
          }
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
type Allocation = {
  periodId: string;
  pseudonym: string;
  allocationCents: number;
  cashCents: number;
  retainedCents: number;
  units: number;
  pools: {
    pool: string;
    weight: number;
    basis: number;
    poolAmountCents: number;
    poolBps: number;
    amountCents: number;
  }[];
};

/** What members own and earned, what each close published, the period page and the ledger CSV. */
describe('cooperative transparency (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: SignedUp;
  let ana: SignedUp;
  let ben: SignedUp;
  let closed: Close;
  let empty: Close;
  /** What must never appear in anything published: handles, post, like and payment ids, memos. */
  let secrets: string[];

  const gql = async <T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> => {
    const res = await t.gql<T>(query, variables, token);
    if (!res.data || res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const errorOf = (res: { errors?: GraphqlError[] }) => res.errors?.[0]?.extensions;
  const close = async (period?: string): Promise<Close> => {
    const { closePeriod } = await gql<{ closePeriod: Omit<Close, 'key'> }>(CLOSE, { period }, admin.token);
    return { ...closePeriod, key: await pseudonymKey(db, closePeriod.result.period) };
  };
  const post = async (who: SignedUp, content: string, visibility = 'PUBLIC') =>
    (
      await gql<{ createPost: { id: string } }>(
        'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
        { input: { content, visibility } },
        who.token,
      )
    ).createPost.id;
  const page = (path: string) => t.http().get(path).set('accept', 'text/html');
  const memberOf = (close: Close, who: SignedUp) =>
    close.result.members.find((m) => m.id === memberPseudonym(close.key, who.username));
  const revenue = (amountCents: number, paymentId: string, memo: string) =>
    gql(
      'mutation($i: RecordPaymentInput!) { recordRevenue(input: $i) { id } }',
      { i: { amountCents, memo, memberHandle: ben.username, paymentId } },
      admin.token,
    );

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
    await close(); // whatever earlier runs left open

    const a1 = await post(ana, 'one');
    const a2 = await post(ana, 'two', 'FOLLOWERS');
    const b1 = await post(ben, 'three', 'DIRECT');
    await gql('mutation($id: ID!) { likePost(id: $id) { id } }', { id: a1 }, ben.token);
    await revenue(1_000_000, 'prov_sub_4f2a9', 'subscription march');
    await revenue(50_000, 'prov_tip_77c1e', 'tip for the zine');
    await gql(
      'mutation($i: RecordPaymentInput!) { recordCost(input: $i) { id } }',
      { i: { amountCents: 200_000 } },
      admin.token,
    );
    closed = await close();
    empty = await close(); // a period with no surplus, newer than `closed`
    const [{ like }] = await db.query<{ like: string }[]>(`SELECT id AS like FROM likes WHERE post_id = $1`, [a1]);
    secrets = [
      ana.username,
      ben.username,
      ana.account.id,
      ben.account.id,
      a1,
      a2,
      b1,
      like,
      'prov_sub_4f2a9',
      'prov_tip_77c1e',
      'subscription march',
      'tip for the zine',
    ];
  });
  afterAll(() => t.close());

  it('closed a period with a surplus that both members share', () => {
    expect(closed.result.net).toBe(850_000);
    expect(runEngine(closed.snapshot)).toEqual(closed.result);
    expect(memberOf(closed, ana)?.allocation).toBeGreaterThan(0);
    expect(memberOf(closed, ben)?.allocation).toBeGreaterThan(0);
  });

  it("gives a member its allocation per period, equal to the published result, with each pool's reason", async () => {
    const { myAllocations } = await gql<{
      myAllocations: { edges: { cursor: string; node: Allocation }[]; pageInfo: { hasNextPage: boolean } };
    }>(MY_ALLOCATIONS, { first: 40 }, ana.token);
    const mine = myAllocations.edges.find((e) => e.node.periodId === closed.result.period)?.node;
    const expected = memberOf(closed, ana)!;
    expect(mine).toMatchObject({
      pseudonym: memberPseudonym(closed.key, ana.username),
      allocationCents: expected.allocation,
      cashCents: expected.cash,
      retainedCents: expected.retained,
      units: expected.units,
    });
    expect(mine!.pools).toEqual(
      Object.keys(expected.byPool)
        .sort()
        .map((pool) => ({
          pool,
          weight: expected.points[pool],
          basis: closed.result.pools[pool].basis,
          poolAmountCents: closed.result.pools[pool].amount,
          poolBps: closed.snapshot.parameters.pools[pool],
          amountCents: expected.byPool[pool],
        })),
    );
    // ana published 2 posts (10 points each) and received a like: CREATOR points.
    expect(mine!.pools.find((p) => p.pool === 'CREATOR')?.weight).toBe(expected.points.CREATOR);
    expect(mine!.pools.reduce((sum, p) => sum + p.amountCents, 0)).toBe(expected.allocation);
    // Newest first: the empty close (no surplus) lists nobody with points, so it is not ana's.
    const ids = myAllocations.edges.map((e) => e.node.periodId);
    expect(ids.indexOf(closed.result.period)).toBeGreaterThanOrEqual(0);
    expect(ids).not.toContain(empty.result.period);
  });

  it('pages allocations with bounded sizes and refuses bad cursors and anonymous readers', async () => {
    const first = await gql<{
      myAllocations: { edges: { node: Allocation }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    }>(MY_ALLOCATIONS, { first: 1 }, ana.token);
    expect(first.myAllocations.edges).toHaveLength(1);
    expect(errorOf(await t.gql(MY_ALLOCATIONS, { first: 41 }, ana.token))?.code).toBe('BAD_USER_INPUT');
    expect(errorOf(await t.gql(MY_ALLOCATIONS, { after: 'nope' }, ana.token))?.code).toBe('BAD_USER_INPUT');
    expect(errorOf(await t.gql(MY_ALLOCATIONS, {}))?.code).toBe('UNAUTHENTICATED');
    expect(errorOf(await t.gql(MY_COOP, {}))?.code).toBe('UNAUTHENTICATED');
  });

  it('shows a member what it owns: units, capital by vintage and cash payable, from the ledger', async () => {
    const [ledger] = await db.query<{ vested: string; unvested: string; capital: string; payable: string }[]>(
      `SELECT coalesce(-sum(p.amount) FILTER (WHERE e.ledger = 'units' AND p.account = 'vested'), 0)::text AS vested,
              coalesce(-sum(p.amount) FILTER (WHERE e.ledger = 'units' AND p.account = 'unvested'), 0)::text AS unvested,
              coalesce(-sum(p.amount) FILTER (WHERE p.account = 'capital' AND p.vintage = $2), 0)::text AS capital,
              coalesce(-sum(p.amount) FILTER (WHERE p.account = 'patronage_payable'), 0)::text AS payable
         FROM coop_postings p JOIN coop_journal_entries e ON e.id = p.entry_id WHERE p.member_id = $1`,
      [ana.account.id, closed.result.period],
    );
    const { myCoop } = await gql<{
      myCoop: {
        status: string;
        sharePaidCents: number;
        units: { vested: number; unvested: number; retired: number };
        capital: { vintage: string; balanceCents: number }[];
        capitalCents: number;
        cashAllocatedCents: number;
        cashPaidCents: number;
        cashPayableCents: number;
      };
    }>(MY_COOP, {}, ana.token);
    const expected = memberOf(closed, ana)!;
    expect(myCoop.status).toBe('active');
    expect(myCoop.sharePaidCents).toBe(1000);
    expect(myCoop.units).toEqual({ vested: Number(ledger.vested), unvested: Number(ledger.unvested), retired: 0 });
    expect(myCoop.units.unvested).toBe(expected.units); // issued in `closed`, vesting three closes later
    expect(myCoop.capital).toContainEqual({ vintage: closed.result.period, balanceCents: expected.retained });
    expect(Number(ledger.capital)).toBe(expected.retained);
    expect(myCoop.capitalCents).toBe(myCoop.capital.reduce((sum, v) => sum + v.balanceCents, 0));
    expect(myCoop.cashPayableCents).toBe(Number(ledger.payable));
    expect(myCoop.cashAllocatedCents).toBe(expected.cash);
    expect(myCoop.cashPaidCents).toBe(0);
    // An account that never applied owns nothing.
    expect((await gql<{ myCoop: null }>(MY_COOP, {}, admin.token)).myCoop).toBeNull();
  });

  it('publishes each closed period to anyone: hashes, snapshot and result', async () => {
    const query = /* GraphQL */ `
      query ($id: String!) {
        period(id: $id) {
          id
          start
          end
          inputHash
          outputHash
          snapshot
          result
        }
      }
    `;
    const { period } = await gql<{
      period: { id: string; start: string; end: string; inputHash: string; outputHash: string } & Close;
    }>(query, { id: closed.result.period });
    expect(period).toMatchObject({
      id: closed.result.period,
      start: closed.snapshot.period.start,
      end: closed.snapshot.period.end,
      inputHash: closed.result.inputHash,
      outputHash: closed.result.outputHash,
    });
    expect(period.result).toEqual(closed.result);
    expect(period.snapshot).toEqual(closed.snapshot);
    expect(runEngine(period.snapshot)).toEqual(period.result);
    expect((await gql<{ period: null }>(query, { id: 'no-such-period' })).period).toBeNull();
    const [{ id: open }] = await db.query<{ id: string }[]>(`SELECT id FROM coop_periods WHERE status = 'open'`);
    expect((await gql<{ period: null }>(query, { id: open })).period).toBeNull();

    const list = await gql<{ closedPeriods: { edges: { node: { id: string } }[] } }>(
      'query { closedPeriods(first: 2) { edges { node { id } } } }',
      {},
    );
    expect(list.closedPeriods.edges.map((e) => e.node.id)).toEqual([empty.result.period, closed.result.period]);

    const json = await t.http().get(`/api/v1/coop/periods/${closed.result.period}/snapshot.json`);
    expect(json.status).toBe(200);
    expect(JSON.parse(json.text)).toEqual(closed.snapshot);
    // The download streams the stored parts in order (ADR 0070): the same bytes however split.
    const parts = await publishedParts(db, closed.result.period);
    const stored = parts.join('');
    expect(json.text).toBe(stored);
    // Canonical JSON (ADR 0071): the download's SHA-256 is the result's inputHash.
    expect(createHash('sha256').update(json.text, 'utf8').digest('hex')).toBe(closed.result.inputHash);
    const cuts = [0, Math.floor(stored.length / 3), Math.floor((2 * stored.length) / 3), stored.length];
    try {
      await setPublishedParts(
        db,
        closed.result.period,
        [0, 1, 2].map((n) => stored.slice(cuts[n], cuts[n + 1])),
      );
      const split = await t.http().get(`/api/v1/coop/periods/${closed.result.period}/snapshot.json`);
      expect(split.status).toBe(200);
      expect(split.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(split.text).toBe(stored);
    } finally {
      await setPublishedParts(db, closed.result.period, parts);
    }
    expect((await t.http().get(`/api/v1/coop/periods/${open}/snapshot.json`)).status).toBe(404);
    expect((await t.http().get(`/api/v1/coop/periods/no-such-period/snapshot.json`)).status).toBe(404);
    const result = await t.http().get(`/api/v1/coop/periods/${closed.result.period}/result.json`);
    expect(JSON.parse(result.text)).toEqual(closed.result);
    expect((await t.http().get(`/api/v1/coop/periods/${open}/result.json`)).status).toBe(404);
  });

  it('publishes no handle, account, post, like or payment id and no memo; a replay gives the published result', async () => {
    const id = closed.result.period;
    const snapshot = await t.http().get(`/api/v1/coop/periods/${id}/snapshot.json`);
    const result = await t.http().get(`/api/v1/coop/periods/${id}/result.json`);
    const graphql = await gql('query($id: String!) { period(id: $id) { snapshot result } }', { id });
    for (const text of [snapshot.text, result.text, JSON.stringify(graphql), JSON.stringify(closed)]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    const published = JSON.parse(snapshot.text) as PublishedSnapshot;
    const [anaId, benId] = [ana, ben].map((m) => memberPseudonym(closed.key, m.username));
    const boundary = new Date(Date.parse(published.period.end) - 7 * 86_400_000).toISOString();
    expect(published.members).toEqual(
      [anaId, benId].sort().map((m) => ({ id: m, joinedAt: boundary, status: 'active', vestedUnits: 0 })),
    );
    // What a replay needs: ana's public and followers-only posts, ben's direct post, ben's like
    // of ana's post, ben's two payments as one sum. Ids and objects are keyed hashes.
    const events = (published.events as ContributionEvent[]).map(({ id: eventId, object, ...rest }) => {
      expect(eventId).toMatch(/^e-[0-9a-f]{24}$/);
      if (object !== undefined) expect(object).toMatch(/^o-[0-9a-f]{24}$/);
      return rest;
    });
    const order = (e: object) => canonicalJson(e);
    expect(events.sort((a, b) => order(a).localeCompare(order(b)))).toEqual(
      [
        { type: 'ENGAGED', member: anaId, actor: benId },
        { type: 'PUBLISHED', member: anaId },
        { type: 'PUBLISHED', member: anaId },
        { type: 'PUBLISHED', member: benId },
        { type: 'SPENT', member: benId, amount: 1_050_000 },
      ].sort((a, b) => order(a).localeCompare(order(b))),
    );
    const replayed = runEngine(published);
    expect(replayed).toEqual(JSON.parse(result.text));
    expect(replayed.inputHash).toBe(canonicalHash(published));
    // The published snapshot commits to the one the platform recorded (handles, real ids).
    const internal = await internalSnapshot(t.app, id);
    expect(published.internalInputHash).toBe(canonicalHash(internal));
    expect(internal.members.map((m) => m.id)).toEqual(expect.arrayContaining([ana.username, ben.username]));
    // A pseudonym holds for one period only.
    expect(memberPseudonym(empty.key, ana.username)).not.toBe(anaId);
  });

  it('renders the public period page: split, pools and allocations as inline SVG, the hashes, no scripts', async () => {
    const res = await page(`/coop/periods/${closed.result.period}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(CSP);
    expect(res.text).not.toMatch(/<script/i);
    expect(res.text).not.toMatch(/(src|href)="https?:/);
    expect(res.text.match(/<svg/g)?.length).toBe(3);
    expect(res.text).toContain(closed.result.inputHash);
    expect(res.text).toContain(closed.result.outputHash);
    expect(res.text).toContain(`href="/api/v1/coop/periods/${closed.result.period}/snapshot.json"`);
    const { reserve, commons, distributable, members } = closed.result;
    const allocated = members.reduce((sum, m) => sum + m.allocation, 0);
    expect(reserve.allocated + commons.allocated + allocated).toBe(distributable);
    const percent = (n: number) => Math.round((n / distributable) * 1000) / 10;
    expect(res.text).toContain(`<title>Reserve: ${percent(reserve.allocated)}%</title>`);
    expect(res.text).toContain(`<title>Commons: ${percent(commons.allocated)}%</title>`);
    expect(res.text).toContain(`<title>Patronage: ${percent(allocated)}%</title>`);
    // Both members fall in a histogram range: the top one in the last.
    expect(res.text.match(/: 1 member<\/title>/g)).toHaveLength(2);
    for (const pool of Object.keys(closed.result.pools)) expect(res.text).toContain(`<th scope="row">${pool}</th>`);
    expect(res.text).toContain(`${closed.result.members.length} members allocated`);
  });

  it('answers 404 for an unknown or open period', async () => {
    const [{ id: open }] = await db.query<{ id: string }[]>(`SELECT id FROM coop_periods WHERE status = 'open'`);
    for (const id of ['1999-01', open, '<script>']) {
      const res = await page(`/coop/periods/${encodeURIComponent(id)}`);
      expect(res.status).toBe(404);
      expect(res.headers['content-security-policy']).toBe(CSP);
      expect(res.text).not.toContain('<script>');
    }
  });

  it('exports the ledger as CSV to admins only', async () => {
    expect((await t.http().get('/api/v1/coop/ledger.csv')).status).toBe(401);
    expect((await t.http().get('/api/v1/coop/ledger.csv').set('authorization', `Bearer ${ana.token}`)).status).toBe(
      403,
    );
    const res = await t.http().get('/api/v1/coop/ledger.csv').set('authorization', `Bearer ${admin.token}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe('entry_key,ledger,period,account,member,vintage,amount,created_at');
    expect(lines[lines.length - 1]).toBe('');
    const [{ n }] = await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM coop_postings');
    expect(lines.length - 2).toBe(n);
    const capital = lines.find(
      (l) =>
        l.startsWith(`close:${closed.result.period},money,`) &&
        l.includes(`,${ana.username},`) &&
        l.includes(',capital,'),
    );
    expect(capital?.split(',').slice(0, 7)).toEqual([
      `close:${closed.result.period}`,
      'money',
      closed.result.period,
      'capital',
      ana.username,
      closed.result.period,
      String(-memberOf(closed, ana)!.retained),
    ]);
    const total = lines.slice(1, -1).reduce((sum, l) => sum + BigInt(l.split(',')[6]), 0n);
    expect(total).toBe(0n);
  });
});
