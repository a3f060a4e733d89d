import { DataSource } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { createTestApp, type TestApp } from './utils/test-app';
import { makeStaff } from './utils/web';

const run = Math.random().toString(36).slice(2, 8);

/**
 * What the console added to GraphQL's moderation: steward actions land in the audit log exactly
 * as the console's do, and the block preview the console confirms with.
 */
describe('moderation through GraphQL: the audit log and the block preview', () => {
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

  it('previews what a block removes (its subdomains and actors hosted there), for moderators only', async () => {
    const domain = `preview-${run}.example`;
    const insert = (username: string, host: string, uri: string) =>
      db.query<{ id: string }[]>('INSERT INTO accounts (username, domain, uri) VALUES ($1, $2, $3) RETURNING id', [
        username,
        host,
        uri,
      ]);
    const [[a], [b]] = await Promise.all([
      insert('one', domain, `https://${domain}/users/one`),
      insert('two', `sub.${domain}`, `https://sub.${domain}/users/two`),
      // Known by another name, but its actor lives on the domain: the purge removes it too.
      insert('alias', `alias-${run}.example`, `https://${domain}/users/alias`),
      insert('out', `not${domain}`, `https://not${domain}/users/out`),
    ]);
    for (const [accountId, n] of [
      [a.id, 2],
      [b.id, 1],
    ] as const) {
      for (let i = 0; i < n; i += 1) {
        await db.query(
          `INSERT INTO posts (id, account_id, local, uri, visibility, content)
           VALUES (gen_random_uuid(), $1, false, 'https://x.example/' || gen_random_uuid(), 'public', 'x')`,
          [accountId],
        );
      }
    }
    const query = 'query($d: String!) { domainBlockPreview(domain: $d) { domain accounts posts blocked } }';
    expect(await ok(query, { d: domain.toUpperCase() }, moderator)).toEqual({
      domainBlockPreview: { domain, accounts: 3, posts: 3, blocked: false },
    });
    // (member's session ended when it was suspended above: another member asks)
    const asMember = await t.gql(query, { d: domain }, (await signUp(t)).token);
    expect(asMember.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const own = await t.gql(query, { d: 'guildhall.test' }, moderator.token);
    expect(own.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await db.query(`SELECT 1 FROM domain_blocks WHERE domain = $1`, [domain])).toEqual([]);
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
