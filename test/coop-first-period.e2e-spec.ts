import { DataSource } from 'typeorm';
import type { PeriodParameters, PeriodSnapshot } from '@guildhall/coop';
import { signUp, type SignedUp } from './utils/factories';
import { freshDatabase } from './utils/fresh-database';
import { createTestApp, type TestApp } from './utils/test-app';

/**
 * A fresh install (its own database, not the run's shared one): a parameter change adopted
 * before the first close applies from the second period, never to the first (finding 21: on
 * main the first period opened only at the first close, with the parameters adopted so far, so
 * `minMemberAgeDays: 0` adopted before it reached that very close's snapshot).
 */
describe('cooperative: the first period on a fresh install (e2e)', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let t: TestApp;
  let db: DataSource;
  let admin: SignedUp;
  let members: SignedUp[];

  const gql = async <T>(query: string, variables: Record<string, unknown>, who: SignedUp): Promise<T> => {
    const res = await t.gql<T>(query, variables, who.token);
    if (!res.data || res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const closePeriod = async () =>
    (await gql<{ closePeriod: { snapshot: PeriodSnapshot } }>('mutation { closePeriod { snapshot } }', {}, admin))
      .closePeriod.snapshot;
  const openParameters = async () =>
    (await db.query<{ parameters: PeriodParameters }[]>(`SELECT parameters FROM coop_periods WHERE status = 'open'`))[0]
      ?.parameters;

  beforeAll(async () => {
    database = await freshDatabase();
    t = await createTestApp({ DATABASE_URL: database.url });
    db = t.app.get(DataSource);
    admin = await signUp(t);
    await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [admin.account.id]);
    members = [await signUp(t), await signUp(t)];
    for (const member of members) {
      await gql('mutation { applyForMembership { status } }', {}, member);
      await gql('mutation($h: String!) { admitMember(handle: $h) { status } }', { h: member.username }, admin);
    }
  });

  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('opens the first period with the bylaws; an adoption before the first close applies from the second', async () => {
    expect(await db.query(`SELECT id FROM coop_periods`)).toEqual([]);
    const { proposeParameters } = await gql<{ proposeParameters: { id: string } }>(
      'mutation($input: ProposeParametersInput!) { proposeParameters(input: $input) { id } }',
      { input: { minMemberAgeDays: 0 } },
      members[0],
    );
    for (const member of members) {
      await gql(
        'mutation($id: ID!) { vote(proposalId: $id, choice: YES) { id } }',
        { id: proposeParameters.id },
        member,
      );
    }
    const decided = await gql<{ closeProposal: { status: string } }>(
      'mutation($id: ID!) { closeProposal(id: $id) { status } }',
      { id: proposeParameters.id },
      admin,
    );
    expect(decided.closeProposal.status).toBe('ADOPTED');
    // The period the vote was decided in is open, with the bylaws' parameters frozen on it.
    expect((await openParameters())?.minMemberAgeDays).toBe(7);

    const first = await closePeriod();
    expect(first.parameters.minMemberAgeDays).toBe(7);
    expect((await openParameters())?.minMemberAgeDays).toBe(0);
    const second = await closePeriod();
    expect(second.parameters.minMemberAgeDays).toBe(0);
  });
});
