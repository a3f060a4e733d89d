import { DataSource } from 'typeorm';
import { uuidv7 } from '@guildhall/core';
import { Formatter } from '../apps/server/src/web/format';
import { signUp, type SignedUp } from './utils/factories';
import { FormClient } from './utils/oauth-pages';
import { createTestApp, type TestApp } from './utils/test-app';
import { csrfOf, formFields, makeStaff, submit, webClient } from './utils/web';

const run = Math.random().toString(36).slice(2, 8);
const SPAM = `spam-${run}.example`;
const REPORT = `mutation($input: ReportInput!) { report(input: $input) { id } }`;
const CREATE_POST = 'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }';

type Client = FormClient;

describe("web app: the stewards' console — domain blocks, reports, accounts", () => {
  let t: TestApp;
  let db: DataSource;
  let admin: SignedUp;
  let moderator: SignedUp;
  let member: SignedUp;
  let mod: Client;
  let adm: Client;
  let mem: Client;

  const audit = (action: string, subject: string) =>
    db.query<{ actor_id: string | null; details: Record<string, unknown> }[]>(
      `SELECT actor_id, details FROM audit_entries WHERE action = $1 AND subject = $2 ORDER BY id`,
      [action, subject],
    );
  /** Posts a page's form, answers its confirmation step with the fields it repeats, returns both. */
  const confirmed = async (client: Client, page: string, action: string, fields: Record<string, string>) => {
    const ask = await submit(client, page, action, fields);
    expect(ask.status).toBe(200);
    const done = await client.post(action, formFields(ask.text, action));
    return { ask, done };
  };
  const remoteAccount = async (username: string, domain: string): Promise<string> => {
    const [row] = await db.query<{ id: string }[]>(
      'INSERT INTO accounts (username, domain, uri) VALUES ($1, $2, $3) RETURNING id',
      [username, domain, `https://${domain}/users/${username}`],
    );
    return row.id;
  };
  const remotePost = async (accountId: string, domain: string): Promise<void> => {
    const id = uuidv7();
    await db.query(
      `INSERT INTO posts (id, account_id, local, uri, visibility, content) VALUES ($1, $2, false, $3, 'public', 'spam')`,
      [id, accountId, `https://${domain}/notes/${id}`],
    );
  };
  const suspendedAt = async (accountId: string): Promise<Date | null> =>
    (await db.query<{ suspended_at: Date | null }[]>('SELECT suspended_at FROM accounts WHERE id = $1', [accountId]))[0]
      .suspended_at;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    [admin, moderator, member] = await Promise.all([
      signUp(t, { displayName: 'Ada Admin' }),
      signUp(t, { displayName: 'Mo Moderator' }),
      signUp(t),
    ]);
    await makeStaff(t, admin.account.id, 'admin');
    await makeStaff(t, moderator.account.id, 'moderator');
    [adm, mod, mem] = await Promise.all([webClient(t, admin), webClient(t, moderator), webClient(t, member)]);
  });

  afterAll(() => t.close());

  it.each(['/console/domains', '/console/reports', '/console/accounts'])(
    '%s: visitors sign in first, members get 403, stewards see the page',
    async (path) => {
      const visitor = await new FormClient(t, 'http://guildhall.test').get(path);
      expect(visitor.status).toBe(303);
      expect(visitor.headers.location).toBe(`/auth/sign_in?return_to=${encodeURIComponent(path)}`);
      const forMember = await mem.get(path);
      expect(forMember.status).toBe(403);
      expect(forMember.text).toContain('This page is for stewards of the instance.');
      const forModerator = await mod.get(path);
      expect(forModerator.status).toBe(200);
      expect(forModerator.text).toContain(`<a href="${path}" aria-current="page">`);
      expect(forModerator.text.match(/<h1>/g)).toHaveLength(1);
    },
  );

  describe('domain blocks', () => {
    it('blocks after a confirmation stating what the purge removes, audit-logged with the moderator', async () => {
      const first = await remoteAccount('spammer', SPAM);
      const second = await remoteAccount('other', `sub.${SPAM}`);
      await remotePost(first, SPAM);
      await remotePost(first, SPAM);
      await remotePost(second, `sub.${SPAM}`);
      await remoteAccount('bystander', `fine-${run}.example`);

      const { ask, done } = await confirmed(mod, '/console/domains', '/console/domains/block', {
        domain: SPAM.toUpperCase(),
        reason: 'Spam waves',
      });
      expect(ask.text).toContain(`<h1>Block ${SPAM}?</h1>`);
      expect(ask.text).toContain(
        'remove the <strong>2 accounts</strong> stored from it and their <strong>3 posts</strong>',
      );
      expect(ask.text).toContain('Reason: Spam waves');
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe('/console/domains');

      const [block] = await db.query(
        `SELECT reason, created_by_id, purge_status FROM domain_blocks WHERE domain = $1`,
        [SPAM],
      );
      expect(block).toEqual({ reason: 'Spam waves', created_by_id: moderator.account.id, purge_status: 'pending' });
      expect(await audit('federation.block_domain', SPAM)).toEqual([
        { actor_id: moderator.account.id, details: { reason: 'Spam waves', purgeRun: 1 } },
      ]);

      const page = await mod.get('/console/domains');
      expect(page.text).toContain(`Blocked ${SPAM}; its purge has started.`);
      expect(page.text).toContain(`<strong>${SPAM}</strong>`);
      expect(page.text).toContain('Waiting for the worker');
      expect(page.text).toContain(`@${moderator.username}</a>`);
    });

    it('shows the purge progress the federation lib records: removed so far, then done', async () => {
      await db.query(
        `UPDATE domain_blocks SET purge_status = 'running', accounts_purged = 1, posts_purged = 2 WHERE domain = $1`,
        [SPAM],
      );
      let page = await mod.get('/console/domains');
      expect(page.text).toContain('<span class="badge">Removing</span>');
      expect(page.text).toContain('1 account, 2 posts removed');
      await db.query(
        `UPDATE domain_blocks SET purge_status = 'done', accounts_purged = 2, posts_purged = 3,
           purge_finished_at = '2026-03-04T05:06:00Z' WHERE domain = $1`,
        [SPAM],
      );
      page = await mod.get('/console/domains');
      expect(page.text).toContain('<span class="badge ok">Done</span>');
      const finished = new Formatter('en').dateTime(new Date('2026-03-04T05:06:00Z'));
      expect(finished).toMatch(/^Mar 4, 2026, 5:06\s?AM UTC$/u);
      expect(page.text).toContain(`2 accounts, 3 posts removed; finished ${finished}`);
    });

    it('refuses a domain that is not one, or this server, with the lib message, and keeps nothing', async () => {
      const before = await db.query(`SELECT count(*)::int AS n FROM domain_blocks`);
      const bad = await submit(mod, '/console/domains', '/console/domains/block', {
        domain: 'https://x/y',
        reason: '',
      });
      expect(bad.status).toBe(422);
      expect(bad.text).toContain('domain must be a host name, with a port if any');
      expect(bad.text).toContain('value="https://x/y"');
      const own = await submit(mod, '/console/domains', '/console/domains/block', {
        domain: 'guildhall.test',
        confirm: 'yes',
      });
      expect(own.status).toBe(422);
      expect(own.text).toContain('A block cannot cover this server itself');
      expect(await db.query(`SELECT count(*)::int AS n FROM domain_blocks`)).toEqual(before);
    });

    it('changes nothing for a forged block: no token, another session’s token, another origin, a member', async () => {
      const domain = `forged-${run}.example`;
      const token = csrfOf((await mod.get('/console/domains')).text);
      const othersToken = csrfOf((await adm.get('/console/domains')).text);
      const form = { domain, confirm: 'yes' };
      expect((await mod.post('/console/domains/block', form)).status).toBe(403);
      expect((await mod.post('/console/domains/block', { ...form, authenticity_token: othersToken })).status).toBe(403);
      expect(
        (await mod.post('/console/domains/block', { ...form, authenticity_token: token }, 'https://evil.example'))
          .status,
      ).toBe(403);
      const asMember = await submit(mem, '/', '/console/domains/block', form);
      expect(asMember.status).toBe(403);
      expect(await db.query(`SELECT 1 FROM domain_blocks WHERE domain = $1`, [domain])).toEqual([]);
      expect(await audit('federation.block_domain', domain)).toEqual([]);
    });

    it('unblocks after a confirmation, audit-logged; unblocking what is not blocked is a 404', async () => {
      const { ask, done } = await confirmed(mod, '/console/domains', '/console/domains/unblock', { domain: SPAM });
      expect(ask.text).toContain(`<h1>Unblock ${SPAM}?</h1>`);
      expect(ask.text).toContain('What the block removed (2 accounts and 3 posts) stays removed.');
      expect(done.status).toBe(303);
      expect(await db.query(`SELECT 1 FROM domain_blocks WHERE domain = $1`, [SPAM])).toEqual([]);
      expect(await audit('federation.unblock_domain', SPAM)).toEqual([
        {
          actor_id: moderator.account.id,
          details: { reason: 'Spam waves', accountsPurged: 2, postsPurged: 3 },
        },
      ]);
      const again = await submit(mod, '/console/domains', '/console/domains/unblock', { domain: SPAM });
      expect(again.status).toBe(404);
      expect(again.text).toContain(`${SPAM} is not blocked.`);
    });
  });

  describe('reports', () => {
    let target: SignedUp;
    let reportId: string;

    beforeAll(async () => {
      target = await signUp(t, { displayName: 'Tro Ll' });
      const posted = await t.gql<{ createPost: { id: string } }>(
        CREATE_POST,
        { input: { content: 'Buy *cheap* pills' } },
        target.token,
      );
      const postId = posted.data!.createPost.id;
      const filed = await t.gql<{ report: { id: string } }>(
        REPORT,
        { input: { handle: target.username, postIds: [postId], comment: 'Selling pills in replies' } },
        member.token,
      );
      reportId = filed.data!.report.id;
    });

    it('lists the open report with reporter, target, quoted post and comment', async () => {
      const page = await mod.get('/console/reports');
      expect(page.status).toBe(200);
      expect(page.text).toContain(`Report about @${target.username}</h2>`);
      expect(page.text).toContain(
        `<dt>Reported by</dt><dd><a href="/console/accounts?handle=${member.username}">@${member.username}</a></dd>`,
      );
      expect(page.text).toContain('<dt>Comment</dt><dd>Selling pills in replies</dd>');
      expect(page.text).toContain('<blockquote><p>Buy <em>cheap</em> pills</p></blockquote>');
      expect(page.text).toContain(`Suspend @${target.username} and close`);
      expect((await mod.get('/console/reports?state=resolved')).text).not.toContain(`Report about @${target.username}`);
    });

    it('asks before suspending from a report; a forged or bad form changes nothing', async () => {
      const ask = await submit(mod, '/console/reports', '/console/reports/resolve', {
        id: reportId,
        action: 'SUSPEND_ACCOUNT',
      });
      expect(ask.status).toBe(200);
      expect(ask.text).toContain(`<h1>Suspend @${target.username}?</h1>`);
      const othersToken = csrfOf((await adm.get('/console/reports')).text);
      const forged = await mod.post('/console/reports/resolve', {
        ...formFields(ask.text, '/console/reports/resolve'),
        authenticity_token: othersToken,
      });
      expect(forged.status).toBe(403);
      const bad = await submit(mod, '/console/reports', '/console/reports/resolve', { id: reportId, action: 'DELETE' });
      expect(bad.status).toBe(422);
      const unknown = await submit(mod, '/console/reports', '/console/reports/resolve', {
        id: uuidv7(),
        action: 'DISMISS',
      });
      expect(unknown.status).toBe(404);
      expect(await suspendedAt(target.account.id)).toBeNull();
      expect((await db.query(`SELECT resolved_at FROM reports WHERE id = $1`, [reportId]))[0].resolved_at).toBeNull();
    });

    it('suspends and closes after the confirmation, audit-logged twice', async () => {
      const { done } = await confirmed(mod, '/console/reports', '/console/reports/resolve', {
        id: reportId,
        action: 'SUSPEND_ACCOUNT',
      });
      expect(done.status).toBe(303);
      expect(await suspendedAt(target.account.id)).toBeInstanceOf(Date);
      const [report] = await db.query(`SELECT resolved_by_id FROM reports WHERE id = $1`, [reportId]);
      expect(report.resolved_by_id).toBe(moderator.account.id);
      expect(await audit('federation.resolve_report', `report ${reportId}`)).toEqual([
        { actor_id: moderator.account.id, details: { action: 'SUSPEND_ACCOUNT', targetAccountId: target.account.id } },
      ]);
      expect(await audit('identity.suspend', `@${target.username}`)).toEqual([
        { actor_id: moderator.account.id, details: { accountId: target.account.id, role: 'moderator' } },
      ]);
      const resolved = await mod.get('/console/reports?state=resolved');
      expect(resolved.text).toContain(`Report about @${target.username}`);
      expect(resolved.text).toMatch(new RegExp(`Resolved [^<]+ by <a [^>]+>@${moderator.username}</a>`));
      expect((await mod.get('/console/reports')).text).not.toContain(`Report about @${target.username}`);
    });

    it('dismisses without a confirmation step; a resolved report cannot be resolved again', async () => {
      const other = await signUp(t);
      const filed = await t.gql<{ report: { id: string } }>(
        REPORT,
        { input: { handle: other.username, comment: '' } },
        member.token,
      );
      const id = filed.data!.report.id;
      const res = await submit(mod, '/console/reports', '/console/reports/resolve', { id, action: 'DISMISS' });
      expect(res.status).toBe(303);
      expect(await audit('federation.resolve_report', `report ${id}`)).toEqual([
        { actor_id: moderator.account.id, details: { action: 'DISMISS', targetAccountId: other.account.id } },
      ]);
      expect(await suspendedAt(other.account.id)).toBeNull();
      const again = await submit(mod, '/console/reports', '/console/reports/resolve', { id, action: 'DISMISS' });
      expect(again.status).toBe(409);
      expect(again.text).toContain('The report was resolved already');
    });
  });

  describe('accounts', () => {
    it('finds an account by handle with its role and state; an unknown handle is a 404', async () => {
      const page = await mod.get(`/console/accounts?handle=${member.username}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain(`<h2 id="account-title">@${member.username}</h2>`);
      expect(page.text).toContain('<dt>Role</dt><dd>Member</dd>');
      expect(page.text).toContain('<dt>Status</dt><dd><span class="badge ok">Active</span></dd>');
      expect(page.text).not.toContain('Issue a password reset');
      const remote = await remoteAccount('faraway', `far-${run}.example`);
      const far = await mod.get(`/console/accounts?handle=@faraway@far-${run}.example`);
      expect(far.text).toContain(`<dt>Where</dt><dd>Remote, on far-${run}.example</dd>`);
      expect(far.text).toContain('<dt>Role</dt><dd>None (remote account)</dd>');
      expect(remote).toBeTruthy();
      const none = await mod.get('/console/accounts?handle=nobody_here_at_all');
      expect(none.status).toBe(404);
      expect(none.text).toContain('No account known here has the handle nobody_here_at_all.');
    });

    it('suspends and lifts after confirmations, each audit-logged with the moderator', async () => {
      const { ask, done } = await confirmed(
        mod,
        `/console/accounts?handle=${member.username}`,
        '/console/accounts/suspend',
        {
          handle: member.username,
        },
      );
      expect(ask.text).toContain(`<h1>Suspend @${member.username}?</h1>`);
      expect(done.status).toBe(303);
      expect(await suspendedAt(member.account.id)).toBeInstanceOf(Date);
      const page = await mod.get(`/console/accounts?handle=${member.username}`);
      expect(page.text).toContain(`Suspended @${member.username}.`);
      expect(page.text).toContain('<span class="badge danger">Suspended</span> since');
      expect(page.text).toContain('by a moderator');
      const lifted = await confirmed(
        mod,
        `/console/accounts?handle=${member.username}`,
        '/console/accounts/unsuspend',
        {
          handle: member.username,
        },
      );
      expect(lifted.done.status).toBe(303);
      expect(await suspendedAt(member.account.id)).toBeNull();
      expect(await audit('identity.suspend', `@${member.username}`)).toEqual([
        { actor_id: moderator.account.id, details: { accountId: member.account.id, role: 'moderator' } },
      ]);
      expect(await audit('identity.unsuspend', `@${member.username}`)).toEqual([
        { actor_id: moderator.account.id, details: { accountId: member.account.id, wasSuspended: true } },
      ]);
      // The suspension ended the member's browser session: sign in again for the tests below.
      mem = await webClient(t, member);
    });

    it("refuses a moderator acting on staff (mayModerateRole) or lifting an admin's suspension", async () => {
      const page = await mod.get(`/console/accounts?handle=${admin.username}`);
      expect(page.text).toContain('Only an admin may suspend or unsuspend a moderator or an admin.');
      expect(page.text).not.toContain('/console/accounts/suspend');
      const refused = await submit(mod, '/console/accounts', '/console/accounts/suspend', {
        handle: admin.username,
        confirm: 'yes',
      });
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('Only an admin may suspend or unsuspend a moderator or an admin');
      expect(await suspendedAt(admin.account.id)).toBeNull();

      const victim = await signUp(t);
      await confirmed(adm, '/console/accounts', '/console/accounts/suspend', { handle: victim.username });
      expect(await suspendedAt(victim.account.id)).toBeInstanceOf(Date);
      const lift = await submit(mod, '/console/accounts', '/console/accounts/unsuspend', {
        handle: victim.username,
        confirm: 'yes',
      });
      expect(lift.status).toBe(403);
      expect(lift.text).toContain('An admin suspended this account: only an admin may lift it');
      expect(await suspendedAt(victim.account.id)).toBeInstanceOf(Date);
      expect(await audit('identity.unsuspend', `@${victim.username}`)).toEqual([]);
      const self = await submit(mod, '/console/accounts', '/console/accounts/suspend', {
        handle: moderator.username,
        confirm: 'yes',
      });
      expect(self.status).toBe(422);
      expect(await suspendedAt(moderator.account.id)).toBeNull();
    });

    it('a forged suspension (no token, another session’s token, another origin) changes nothing', async () => {
      const token = csrfOf((await mod.get('/console/accounts')).text);
      const othersToken = csrfOf((await adm.get('/console/accounts')).text);
      const form = { handle: member.username, confirm: 'yes' };
      expect((await mod.post('/console/accounts/suspend', form)).status).toBe(403);
      expect((await mod.post('/console/accounts/suspend', { ...form, authenticity_token: othersToken })).status).toBe(
        403,
      );
      expect(
        (await mod.post('/console/accounts/suspend', { ...form, authenticity_token: token }, 'https://evil.example'))
          .status,
      ).toBe(403);
      expect(
        (await submit(mem, '/', '/console/accounts/suspend', { handle: admin.username, confirm: 'yes' })).status,
      ).toBe(403);
      expect(await suspendedAt(member.account.id)).toBeNull();
      expect(await suspendedAt(admin.account.id)).toBeNull();
    });

    it('lets an admin issue a password reset, shown once, that works; moderators get 403', async () => {
      const asModerator = await submit(mod, '/console/accounts', '/console/accounts/password-reset', {
        handle: member.username,
        confirm: 'yes',
      });
      expect(asModerator.status).toBe(403);
      expect(asModerator.text).toContain('Only admins may issue a password reset.');
      expect(
        await db.query(`SELECT 1 FROM password_resets r JOIN users u ON u.id = r.user_id WHERE u.account_id = $1`, [
          member.account.id,
        ]),
      ).toEqual([]);

      const page = await adm.get(`/console/accounts?handle=${member.username}`);
      expect(page.text).toContain('Issue a password reset');
      const { ask, done } = await confirmed(
        adm,
        `/console/accounts?handle=${member.username}`,
        '/console/accounts/password-reset',
        {
          handle: member.username,
        },
      );
      expect(ask.text).toContain(`<h1>Reset the password of @${member.username}?</h1>`);
      expect(done.status).toBe(200);
      const token = /<code class="token">([^<]+)<\/code>/.exec(done.text)![1];
      expect(done.text).toContain('This token is shown only this once.');
      const reset = await t.gql<{ resetPassword: boolean }>(
        'mutation($token: String!, $newPassword: String!) { resetPassword(token: $token, newPassword: $newPassword) }',
        { token, newPassword: 'a brand new passphrase' },
      );
      expect(reset.data).toEqual({ resetPassword: true });
      const entries = await audit('identity.issue_password_reset', `@${member.username}`);
      expect(entries).toHaveLength(1);
      expect(entries[0].actor_id).toBe(admin.account.id);
      expect(entries[0].details.accountId).toBe(member.account.id);
      expect(JSON.stringify(entries[0].details)).not.toContain(token);
    });
  });
});
