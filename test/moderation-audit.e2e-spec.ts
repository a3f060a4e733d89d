import { DataSource } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { createTestApp, type TestApp } from './utils/test-app';
import { makeStaff } from './utils/web';

const run = Math.random().toString(36).slice(2, 8);

/** Steward actions through GraphQL land in the audit log exactly as the console's do. */
describe('moderation through GraphQL: the audit log', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: SignedUp;
  let moderator: SignedUp;
  let member: SignedUp;

  const ok = async <T>(query: string, variables: Record<string, unknown>, who: SignedUp): Promise<T> => {
    const res = await t.gql<T>(query, variables, who.token);
    if (!res.data || res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const audit = (action: string, subject: string) =>
    db.query<{ actor_id: string | null; details: Record<string, unknown> }[]>(
      `SELECT actor_id, details FROM audit_entries WHERE action = $1 AND subject = $2 ORDER BY id`,
      [action, subject],
    );

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    [admin, moderator, member] = await Promise.all([signUp(t), signUp(t), signUp(t)]);
    await makeStaff(t, admin.account.id, 'admin');
    await makeStaff(t, moderator.account.id, 'moderator');
  });
  afterAll(() => t.close());

  it('records blockDomain and unblockDomain with the moderator; an unblock of nothing records nothing', async () => {
    const domain = `audited-${run}.example`;
    await ok('mutation($d: String!) { blockDomain(domain: $d, reason: "bots") { domain } }', { d: domain }, moderator);
    await ok('mutation($d: String!) { unblockDomain(domain: $d) }', { d: domain }, moderator);
    expect(await ok('mutation($d: String!) { unblockDomain(domain: $d) }', { d: domain }, moderator)).toEqual({
      unblockDomain: false,
    });
    expect(await audit('federation.block_domain', domain)).toEqual([
      { actor_id: moderator.account.id, details: { reason: 'bots', purgeRun: 1 } },
    ]);
    expect(await audit('federation.unblock_domain', domain)).toEqual([
      { actor_id: moderator.account.id, details: { reason: 'bots', accountsPurged: 0, postsPurged: 0 } },
    ]);
  });

  it('records a refused block nowhere', async () => {
    const res = await t.gql('mutation { blockDomain(domain: "not a domain") { domain } }', {}, moderator.token);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await db.query(`SELECT 1 FROM audit_entries WHERE subject = 'not a domain'`)).toEqual([]);
  });

  it('records suspendAccount and unsuspendAccount with the moderator, and not a refused one', async () => {
    await ok('mutation($h: String!) { suspendAccount(handle: $h) { id } }', { h: member.username }, moderator);
    await ok('mutation($h: String!) { unsuspendAccount(handle: $h) { id } }', { h: member.username }, moderator);
    expect(await audit('identity.suspend', `@${member.username}`)).toEqual([
      { actor_id: moderator.account.id, details: { accountId: member.account.id, role: 'moderator' } },
    ]);
    expect(await audit('identity.unsuspend', `@${member.username}`)).toEqual([
      { actor_id: moderator.account.id, details: { accountId: member.account.id, wasSuspended: true } },
    ]);
    const refused = await t.gql(
      'mutation($h: String!) { suspendAccount(handle: $h) { id } }',
      {
        h: admin.username,
      },
      moderator.token,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await audit('identity.suspend', `@${admin.username}`)).toEqual([]);
  });

  it('records resolveReport with the moderator', async () => {
    const [target, reporter] = await Promise.all([signUp(t), signUp(t)]);
    const filed = await ok<{ report: { id: string } }>(
      'mutation($h: String!) { report(input: { handle: $h, comment: "rude" }) { id } }',
      { h: target.username },
      reporter,
    );
    const id = filed.report.id;
    await ok('mutation($id: ID!) { resolveReport(id: $id, action: DISMISS) { id } }', { id }, moderator);
    expect(await audit('federation.resolve_report', `report ${id}`)).toEqual([
      { actor_id: moderator.account.id, details: { action: 'DISMISS', targetAccountId: target.account.id } },
    ]);
  });

  it('records issuePasswordReset with the admin, never the token', async () => {
    const issued = await ok<{ issuePasswordReset: { token: string } }>(
      'mutation($h: String!) { issuePasswordReset(handle: $h) { token } }',
      { h: member.username },
      admin,
    );
    const entries = await audit('identity.issue_password_reset', `@${member.username}`);
    expect(entries).toHaveLength(1);
    expect(entries[0].actor_id).toBe(admin.account.id);
    expect(entries[0].details.accountId).toBe(member.account.id);
    expect(JSON.stringify(entries[0].details)).not.toContain(issued.issuePasswordReset.token);
  });
});
