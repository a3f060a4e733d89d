import { DataSource } from 'typeorm';
import type { PeriodParameters, PeriodSnapshot } from '@guildhall/coop';
import { signUp, type SignedUp } from './utils/factories';
import { createTestApp, type GraphqlError, type TestApp } from './utils/test-app';

const PROPOSE = /* GraphQL */ `
  mutation ($input: ProposeParametersInput!) {
    proposeParameters(input: $input) {
      id
      status
      changes
    }
  }
`;
const VOTE = /* GraphQL */ `
  mutation ($id: ID!, $choice: VoteChoice!) {
    vote(proposalId: $id, choice: $choice) {
      id
      status
    }
  }
`;
const CLOSE_PROPOSAL = /* GraphQL */ `
  mutation ($id: ID!) {
    closeProposal(id: $id) {
      status
      yes
      no
      abstain
      electorate
      outcome
      parameters
      vestingPeriods
    }
  }
`;
interface Decided {
  status: string;
  yes: number;
  no: number;
  abstain: number;
  electorate: number;
  outcome: string;
  parameters: PeriodParameters | null;
  vestingPeriods: number | null;
}
const REPORT = 'mutation($input: ReportInput!) { report(input: $input) { id } }';
const RESOLVE = 'mutation($id: ID!, $action: ReportAction!) { resolveReport(id: $id, action: $action) { id } }';

/**
 * Governance: active members propose parameters within the bylaws and vote; quorum and majority
 * decide; adopted parameters reach only periods opened after adoption. And MODERATED: a
 * moderator who is a member earns it when they uphold a report.
 *
 * The run's database is shared by the suites (in band): the members other suites admitted are
 * set inactive while this one runs (so the electorate is this suite's six) and restored after;
 * the defaults are adopted again at the end so later suites' periods open with them.
 */
describe('cooperative governance (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: SignedUp;
  let outsider: SignedUp;
  let applicant: SignedUp;
  let members: SignedUp[];
  let sidelined: string[] = [];

  const gql = async <T>(query: string, variables: Record<string, unknown>, who: SignedUp): Promise<T> => {
    const res = await t.gql<T>(query, variables, who.token);
    if (!res.data || res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const errorOf = (res: { errors?: GraphqlError[] }) => res.errors?.[0]?.extensions;
  const propose = async (input: Record<string, unknown>, who = members[0]) =>
    (await gql<{ proposeParameters: { id: string; status: string } }>(PROPOSE, { input }, who)).proposeParameters;
  const vote = (id: string, choice: string, who: SignedUp) => gql(VOTE, { id, choice }, who);
  const decide = async (id: string) =>
    (await gql<{ closeProposal: Decided }>(CLOSE_PROPOSAL, { id }, admin)).closeProposal;
  const proposals = async () => Number((await db.query(`SELECT count(*)::int AS n FROM coop_proposals`))[0].n);
  const openPeriod = async () =>
    (
      await db.query<{ id: string; parameters: PeriodParameters; vesting_periods: number }[]>(
        `SELECT id, parameters, vesting_periods FROM coop_periods WHERE status = 'open'`,
      )
    )[0];
  const closePeriod = async () =>
    (await gql<{ closePeriod: { snapshot: PeriodSnapshot } }>('mutation { closePeriod { snapshot } }', {}, admin))
      .closePeriod.snapshot;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    admin = await signUp(t);
    await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [admin.account.id]);
    [outsider, applicant] = [await signUp(t), await signUp(t)];
    members = [];
    for (let i = 0; i < 6; i++) members.push(await signUp(t));
    for (const member of [...members, applicant]) {
      await gql('mutation { applyForMembership { status } }', {}, member);
    }
    for (const member of members) {
      await gql('mutation($h: String!) { admitMember(handle: $h) { status } }', { h: member.username }, admin);
    }
    const rows = await db.query<{ account_id: string }[]>(
      `UPDATE coop_members SET status = 'inactive' WHERE status = 'active' AND NOT (account_id = ANY($1::uuid[]))
       RETURNING account_id`,
      [members.map((m) => m.account.id)],
    );
    sidelined = rows.map((r) => r.account_id);
  });

  afterAll(async () => {
    try {
      // The bylaws' defaults again, for the suites after this one.
      const restore = await propose({
        cashBps: 2000,
        reserveBps: 2500,
        commonsBps: 500,
        pools: [
          { pool: 'CREATOR', bps: 6000 },
          { pool: 'CURATION', bps: 1500 },
          { pool: 'SPEND', bps: 2500 },
        ],
        unitBudget: 10000,
        minMemberAgeDays: 7,
        federatedInstances: [],
        vestingPeriods: 3,
      });
      await vote(restore.id, 'YES', members[0]);
      await vote(restore.id, 'YES', members[1]);
      expect((await decide(restore.id)).status).toBe('ADOPTED');
      await closePeriod();
    } finally {
      await db.query(`UPDATE coop_members SET status = 'active' WHERE account_id = ANY($1::uuid[])`, [sidelined]);
      await t.close();
    }
  });

  describe('bylaw bounds', () => {
    it.each([
      ['cashBps', { cashBps: 1999 }],
      ['reserveBps', { reserveBps: 1500 }],
      ['commonsBps', { reserveBps: 8000, commonsBps: 2500 }],
      [
        'pools.EQUITY',
        {
          pools: [
            { pool: 'CREATOR', bps: 4000 },
            { pool: 'CURATION', bps: 1500 },
            { pool: 'SPEND', bps: 1500 },
            { pool: 'EQUITY', bps: 3000 },
          ],
        },
      ],
      [
        'pools',
        {
          pools: [
            { pool: 'CREATOR', bps: 6000 },
            { pool: 'CURATION', bps: 1500 },
            { pool: 'SPEND', bps: 2000 },
          ],
        },
      ],
      ['pools', { pools: [{ pool: 'CREATOR', bps: 10000 }] }],
      ['vestingPeriods', { vestingPeriods: 0 }],
      ['federatedInstances', { federatedInstances: ['Not A Host'] }],
    ])('refuses %s out of bounds and stores nothing', async (field, input) => {
      const before = await proposals();
      const res = await t.gql(PROPOSE, { input }, members[0].token);
      expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'OUTSIDE_BYLAWS', field });
      expect(res.errors?.[0].message).toContain(field === 'pools' ? 'pools' : field);
      expect(await proposals()).toBe(before);
    });

    it('names the EQUITY bound in the reason', async () => {
      const res = await t.gql(
        PROPOSE,
        {
          input: {
            pools: [
              { pool: 'CREATOR', bps: 5000 },
              { pool: 'CURATION', bps: 1500 },
              { pool: 'SPEND', bps: 999 },
              { pool: 'EQUITY', bps: 2501 },
            ],
          },
        },
        members[0].token,
      );
      expect(res.errors?.[0].message).toBe('pools.EQUITY must be at most 2500 (bylaws: 25%), got 2501');
    });
  });

  describe('who votes', () => {
    let id: string;
    beforeAll(async () => {
      id = (await propose({ unitBudget: 12000 })).id;
    });

    it('refuses proposals and votes from non-members and pending applicants (FORBIDDEN), storing nothing', async () => {
      const before = await proposals();
      expect(errorOf(await t.gql(PROPOSE, { input: { unitBudget: 5 } }, outsider.token))).toMatchObject({
        code: 'FORBIDDEN',
      });
      expect(await proposals()).toBe(before);
      for (const who of [outsider, applicant]) {
        expect(errorOf(await t.gql(VOTE, { id, choice: 'YES' }, who.token))).toMatchObject({
          code: 'FORBIDDEN',
          reason: 'NOT_A_VOTER',
        });
      }
      expect(await db.query(`SELECT 1 FROM coop_votes WHERE proposal_id = $1`, [id])).toHaveLength(0);
    });

    it('quorum not met (1 of 6 voted, 20% needs 2): rejected, nothing adopted', async () => {
      await vote(id, 'YES', members[0]);
      const decided = await decide(id);
      expect(decided).toMatchObject({ status: 'REJECTED', yes: 1, no: 0, abstain: 0, electorate: 6, parameters: null });
      expect(decided.outcome).toBe('quorum not met: 1 of 6 active members voted, 20% needed');
      expect(errorOf(await t.gql(VOTE, { id, choice: 'NO' }, members[1].token))).toMatchObject({
        code: 'CONFLICT',
        reason: 'VOTING_CLOSED',
      });
    });

    it('a tie is no majority; a second vote replaces the first', async () => {
      const tie = (await propose({ minMemberAgeDays: 1 })).id;
      await vote(tie, 'YES', members[0]);
      await vote(tie, 'YES', members[1]);
      await vote(tie, 'NO', members[2]);
      await vote(tie, 'YES', members[3]);
      await vote(tie, 'NO', members[3]); // replaces its YES
      await vote(tie, 'ABSTAIN', members[4]);
      const decided = await decide(tie);
      expect(decided).toMatchObject({ status: 'REJECTED', yes: 2, no: 2, abstain: 1, electorate: 6 });
      expect(decided.outcome).toBe('no majority: 2 YES, 2 NO');
    });

    it('a member may not close a vote before its window ends', async () => {
      const open = (await propose({ unitBudget: 11000 })).id;
      expect(errorOf(await t.gql(CLOSE_PROPOSAL, { id: open }, members[0].token))).toMatchObject({
        code: 'CONFLICT',
        reason: 'VOTING_OPEN',
      });
      await decide(open); // rejected: no votes
    });
  });

  it('adopted parameters apply to the period opened after adoption, never the open one', async () => {
    await closePeriod(); // a period opened now, under the parameters adopted so far (the defaults)
    const frozen = await openPeriod();
    expect(frozen.parameters.cashBps).toBe(2000);

    const { id } = await propose({
      rationale: 'more cash, a bigger reserve, and an equity pool',
      cashBps: 3000,
      reserveBps: 3000,
      commonsBps: 1000,
      pools: [
        { pool: 'CREATOR', bps: 5000 },
        { pool: 'CURATION', bps: 1500 },
        { pool: 'SPEND', bps: 1500 },
        { pool: 'EQUITY', bps: 2000 },
      ],
      unitBudget: 20000,
      minMemberAgeDays: 14,
      federatedInstances: ['friends.example'],
      vestingPeriods: 2,
    });
    await vote(id, 'YES', members[0]);
    await vote(id, 'YES', members[1]);
    await vote(id, 'NO', members[2]);
    const decided = await decide(id);
    expect(decided).toMatchObject({ status: 'ADOPTED', yes: 2, no: 1, abstain: 0, electorate: 6, vestingPeriods: 2 });
    const adopted: PeriodParameters = {
      ...frozen.parameters,
      cashBps: 3000,
      reserveBps: 3000,
      commonsBps: 1000,
      pools: { CREATOR: 5000, CURATION: 1500, SPEND: 1500, EQUITY: 2000 },
      unitBudget: 20000,
      minMemberAgeDays: 14,
      federatedInstances: ['friends.example'],
    };
    expect(decided.parameters).toEqual(adopted);

    // The open period keeps the parameters frozen when it opened, in the database and its close.
    expect(await openPeriod()).toEqual(frozen);
    const closed = await closePeriod();
    expect(closed.period.id).toBe(frozen.id);
    expect(closed.parameters).toEqual(frozen.parameters);

    // The next one opened after adoption: the adopted parameters and vesting.
    const next = await openPeriod();
    expect(next.id).not.toBe(frozen.id);
    expect(next.parameters).toEqual(adopted);
    expect(next.vesting_periods).toBe(2);
    expect(
      (await gql<{ nextPeriodParameters: unknown }>('{ nextPeriodParameters }', {}, members[0])).nextPeriodParameters,
    ).toEqual({ parameters: adopted, vestingPeriods: 2 });

    // Proposals are checked on top of what was adopted: EQUITY stays within its bound.
    const res = await t.gql(PROPOSE, { input: { reserveBps: 9500 } }, members[0].token);
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'commonsBps' });
  });

  describe('MODERATED', () => {
    it('records moderated:<reportId> once for a member moderator who upholds a report; not for a dismissal', async () => {
      const moderator = members[5];
      await db.query(`UPDATE users SET role = 'moderator' WHERE account_id = $1`, [moderator.account.id]);
      const [upheld, dismissed] = [
        (
          await gql<{ report: { id: string } }>(
            REPORT,
            { input: { handle: outsider.username, comment: 'spam' } },
            members[4],
          )
        ).report.id,
        (
          await gql<{ report: { id: string } }>(
            REPORT,
            { input: { handle: admin.username, comment: 'meh' } },
            members[4],
          )
        ).report.id,
      ];
      await gql(RESOLVE, { id: upheld, action: 'SUSPEND_ACCOUNT' }, moderator);
      await gql(RESOLVE, { id: dismissed, action: 'DISMISS' }, moderator);
      const events = await db.query<
        { id: string; type: string; member_id: string; object: string; snapshot_json: string }[]
      >(`SELECT id, type, member_id, object, snapshot_json FROM coop_events WHERE id = ANY($1)`, [
        [`moderated:${upheld}`, `moderated:${dismissed}`],
      ]);
      expect(events).toEqual([
        {
          id: `moderated:${upheld}`,
          type: 'MODERATED',
          member_id: moderator.account.id,
          object: upheld,
          snapshot_json: expect.any(String),
        },
      ]);
      expect(JSON.parse(events[0].snapshot_json)).toEqual({
        id: `moderated:${upheld}`,
        type: 'MODERATED',
        member: moderator.username,
        object: upheld,
      });
    });
  });
});
