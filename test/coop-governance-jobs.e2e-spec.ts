import { Queue, QueueEvents, type QueueOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import { GOVERNANCE_QUEUE, GovernanceJob, GovernanceService } from '@guildhall/coop';
import { ConfigService, queueConnection } from '@guildhall/core';
import { signUp, type SignedUp } from './utils/factories';
import { createTestApp, type TestApp } from './utils/test-app';

const PROPOSE = 'mutation($input: ProposeParametersInput!) { proposeParameters(input: $input) { id } }';

/**
 * Proposal windows close on their own: the governance sweep (a BullMQ job scheduled every
 * minute, processed where the workers run — `npm start`'s one process too) decides every open
 * proposal whose window passed, with no one calling closeProposal, and decides it once.
 * Other suites' members are set inactive while this runs (the electorate is this suite's).
 */
describe('governance: proposal windows close on their own (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  let queue: Queue;
  let events: QueueEvents;
  let admin: SignedUp;
  let members: SignedUp[];
  let sidelined: string[] = [];

  const propose = async (who: SignedUp, input: Record<string, unknown>): Promise<string> => {
    const res = await t.gql<{ proposeParameters: { id: string } }>(PROPOSE, { input }, who.token);
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.proposeParameters.id;
  };
  const row = async (id: string) =>
    (
      await db.query<
        {
          status: string;
          decided_at: Date | null;
          yes: number | null;
          electorate: number | null;
          outcome: string | null;
        }[]
      >(`SELECT status, decided_at, yes, electorate, outcome FROM coop_proposals WHERE id = $1`, [id])
    )[0];
  const sweep = async () => {
    const job = await queue.add(GovernanceJob.CloseDue, {});
    return (await job.waitUntilFinished(events, 15_000)) as { decided: number };
  };

  beforeAll(async () => {
    t = await createTestApp({}, { withWorker: true });
    db = t.app.get(DataSource);
    const connection = queueConnection(t.app.get(ConfigService)) as unknown as QueueOptions;
    queue = new Queue(GOVERNANCE_QUEUE, connection);
    events = new QueueEvents(GOVERNANCE_QUEUE, connection);
    await events.waitUntilReady();
    admin = await signUp(t);
    await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [admin.account.id]);
    members = [await signUp(t), await signUp(t)];
    for (const member of members) {
      await t.gql('mutation { applyForMembership { status } }', {}, member.token);
      await t.gql('mutation($h: String!) { admitMember(handle: $h) { status } }', { h: member.username }, admin.token);
    }
    const rows = await db.query<{ account_id: string }[]>(
      `UPDATE coop_members SET status = 'inactive' WHERE status = 'active' AND NOT (account_id = ANY($1::uuid[]))
       RETURNING account_id`,
      [members.map((m) => m.account.id)],
    );
    sidelined = rows.map((r) => r.account_id);
  });

  afterAll(async () => {
    // Nothing of this suite stays open for the suites after it.
    await db.query(`UPDATE coop_proposals SET closes_at = now() WHERE status = 'open' AND closes_at > now()`);
    await t.app.get(GovernanceService).closeDue();
    await db.query(`UPDATE coop_members SET status = 'active' WHERE account_id = ANY($1::uuid[])`, [sidelined]);
    await events.close();
    await queue.close();
    await t.close();
  });

  it('is scheduled every minute under one scheduler id', async () => {
    const schedulers = await queue.getJobSchedulers();
    const sweep = schedulers.find((s) => s.key === GovernanceJob.CloseDue);
    expect(sweep?.every).toBe(60_000);
    expect(sweep?.name).toBe(GovernanceJob.CloseDue);
  });

  it('decides a proposal whose window passed without closeProposal, and a second run changes nothing', async () => {
    const due = await propose(members[0], { unitBudget: 12_000, rationale: 'due' });
    const later = await propose(members[1], { unitBudget: 13_000, rationale: 'still open' });
    // One NO vote of two members: quorum met, no majority (rejected: the parameters stay the bylaws').
    await t.gql('mutation($id: ID!) { vote(proposalId: $id, choice: NO) { id } }', { id: due }, members[1].token);
    await db.query(`UPDATE coop_proposals SET closes_at = now() - interval '1 second' WHERE id = $1`, [due]);

    expect(await sweep()).toEqual({ decided: 1 });
    const decided = await row(due);
    expect(decided).toMatchObject({ status: 'rejected', yes: 0, electorate: 2, outcome: 'no majority: 0 YES, 1 NO' });
    expect(decided.decided_at).toBeInstanceOf(Date);
    expect((await row(later)).status).toBe('open');

    expect(await sweep()).toEqual({ decided: 0 });
    expect(await row(due)).toEqual(decided);
    expect((await row(later)).status).toBe('open');
  });

  it('decides once when two sweeps run at the same time', async () => {
    const id = await propose(members[0], { minMemberAgeDays: 9, rationale: 'raced' });
    await db.query(`UPDATE coop_proposals SET closes_at = now() - interval '1 second' WHERE id = $1`, [id]);
    const governance = t.app.get(GovernanceService);
    const counts = await Promise.all([governance.closeDue(), governance.closeDue(), governance.closeDue()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await row(id)).toMatchObject({
      status: 'rejected',
      electorate: 2,
      outcome: 'quorum not met: 0 of 2 active members voted, 20% needed',
    });
  });
});
