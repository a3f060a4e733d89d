import { PostExportService } from '@guildhall/content';
import { AuthService, IdentityErrorCode } from '@guildhall/identity';
import { DataSource } from 'typeorm';
import { png } from './fixtures/images';
import { signUp, type SignedUp } from './utils/factories';
import { appToken, registerApp } from './utils/mastodon';
import { FormClient } from './utils/oauth-pages';
import { createTestApp, type TestApp } from './utils/test-app';
import { csrfOf, formFields, makeStaff, submit, webClient } from './utils/web';

const ORIGIN = 'http://guildhall.test';
const CREATE_POST = `mutation ($input: CreatePostInput!) { createPost(input: $input) { id } }`;

describe('web app: settings', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
  });

  afterAll(() => t.close());

  const account = async (id: string) => {
    const [row] = await db.query(
      `SELECT display_name, bio_source, fields, manually_approves_followers, discoverable, avatar_media_id, header_media_id
         FROM accounts WHERE id = $1`,
      [id],
    );
    return row as {
      display_name: string | null;
      bio_source: string | null;
      fields: { name: string; value: string }[];
      manually_approves_followers: boolean;
      discoverable: boolean;
      avatar_media_id: string | null;
      header_media_id: string | null;
    };
  };
  const liveSessions = async (accountId: string): Promise<string[]> =>
    (
      await db.query<{ id: string }[]>(
        `SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE u.account_id = $1 AND s.revoked_at IS NULL AND s.application_id IS NULL ORDER BY s.id`,
        [accountId],
      )
    ).map((r: { id: string }) => r.id);

  describe('signed out', () => {
    it.each([
      '/settings',
      '/settings/apps',
      '/settings/sessions',
      '/settings/password',
      '/settings/export',
      '/settings/export/posts.json',
      '/settings/export/ledger.csv',
    ])('sends %s to sign in first', async (path) => {
      const res = await new FormClient(t, ORIGIN).get(path);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/auth/sign_in?return_to=${encodeURIComponent(path)}`);
    });
  });

  describe('profile', () => {
    it('shows the member their profile with the settings tabs', async () => {
      const member = await signUp(t, { displayName: 'Ada Writer' });
      const res = await (await webClient(t, member)).get('/settings');
      expect(res.status).toBe(200);
      expect(res.text).toContain('<h1>Profile settings</h1>');
      expect(res.text).toContain('<a href="/settings" aria-current="page">Profile</a>');
      expect(res.text).toContain('<a href="/settings/export">Export</a>');
      expect(res.text).toContain('name="display_name" type="text" value="Ada Writer"');
      expect(res.text.match(/name="field_\d_name"/g)).toHaveLength(4);
      expect(res.text).toContain('<p class="muted">No avatar yet.</p>');
      expect(res.text).not.toMatch(/<script|style=|<style/);
    });

    it('saves name, bio, fields and approving followers, and shows them again', async () => {
      const member = await signUp(t);
      const browser = await webClient(t, member);
      const res = await submit(browser, '/settings', '/settings/profile', {
        display_name: '  Grace H.  ',
        bio: 'I write *compilers*.',
        field_0_name: 'Website',
        field_0_value: 'https://grace.example/',
        field_1_name: 'Pronouns',
        field_1_value: 'she/her',
        field_2_name: '',
        field_2_value: '',
        locked: '1',
      });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/settings');
      const row = await account(member.account.id);
      expect(row.display_name).toBe('Grace H.');
      expect(row.bio_source).toBe('I write *compilers*.');
      expect(row.manually_approves_followers).toBe(true);
      expect(row.discoverable).toBe(false);
      expect(row.fields).toEqual([
        {
          name: 'Website',
          value:
            '<a href="https://grace.example/" rel="nofollow noopener noreferrer" translate="no">https://grace.example/</a>',
        },
        { name: 'Pronouns', value: 'she/her' },
      ]);
      const page = await browser.get('/settings');
      expect(page.text).toContain('<p class="notice ok" role="status">Profile saved.</p>');
      expect(page.text).toContain('name="field_0_value" type="text" value="https://grace.example/"');
      expect(page.text).toContain('>I write *compilers*.</textarea>');
      expect(page.text).toMatch(/id="field-locked" name="locked" value="1" checked/);
    });

    it('refuses invalid values with 422 and field errors, keeping what was typed, changing nothing', async () => {
      const member = await signUp(t, { displayName: 'Before' });
      const browser = await webClient(t, member);
      const res = await submit(browser, '/settings', '/settings/profile', {
        display_name: 'x'.repeat(101),
        bio: 'ok',
        field_0_name: '',
        field_0_value: 'a value without a name',
        field_1_name: 'Long',
        field_1_value: 'v'.repeat(256),
      });
      expect(res.status).toBe(422);
      expect(res.text).toContain('displayName must be at most 100 characters');
      expect(res.text).toContain(
        '<p class="field-error" id="field-field_0_name-error">A profile field needs a name</p>',
      );
      expect(res.text).toContain(
        '<p class="field-error" id="field-field_1_value-error">a field value is at most 255 characters</p>',
      );
      expect(res.text).toContain('value="a value without a name"');
      const row = await account(member.account.id);
      expect(row.display_name).toBe('Before');
      expect(row.bio_source).toBeNull();
      expect(row.fields).toEqual([]);
    });

    it('changes nothing for a forged form: no token, another session’s token, another origin', async () => {
      const member = await signUp(t, { displayName: 'Kept' });
      const browser = await webClient(t, member);
      const other = await webClient(t, await signUp(t));
      const othersToken = csrfOf((await other.get('/settings')).text);
      const token = csrfOf((await browser.get('/settings')).text);
      expect((await browser.post('/settings/profile', { display_name: 'Forged' })).status).toBe(403);
      expect(
        (await browser.post('/settings/profile', { authenticity_token: othersToken, display_name: 'Forged' })).status,
      ).toBe(403);
      expect(
        (
          await browser.post(
            '/settings/profile',
            { authenticity_token: token, display_name: 'Forged' },
            'https://evil.example',
          )
        ).status,
      ).toBe(403);
      expect((await account(member.account.id)).display_name).toBe('Kept');
    });
  });

  describe('pictures', () => {
    const upload = (browser: FormClient, token: string, parts: Record<string, string | Buffer>, origin = ORIGIN) => {
      const req = t.http().post('/settings/pictures').set('cookie', browser.cookieHeader).set('origin', origin);
      req.field('authenticity_token', token);
      for (const [name, value] of Object.entries(parts)) {
        if (Buffer.isBuffer(value)) void req.attach(name, value, `${name}.png`);
        else void req.field(name, value);
      }
      return req;
    };

    it('uploads an avatar and header with descriptions through the content lib, and previews them', async () => {
      const member = await signUp(t);
      const browser = await webClient(t, member);
      const token = csrfOf((await browser.get('/settings')).text);
      const res = await upload(browser, token, {
        avatar: png(64, 64, [20, 120, 200]),
        avatar_description: 'A blue square',
        header: png(300, 100),
        header_description: '',
      });
      expect(res.status).toBe(303);
      const row = await account(member.account.id);
      expect(row.avatar_media_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.header_media_id).toMatch(/^[0-9a-f-]{36}$/);
      const [media] = await db.query(`SELECT account_id, alt_text, mime_type FROM media_attachments WHERE id = $1`, [
        row.avatar_media_id,
      ]);
      expect(media).toEqual({ account_id: member.account.id, alt_text: 'A blue square', mime_type: 'image/png' });
      const page = await browser.get('/settings');
      expect(page.text).toContain(`<img src="/media/${row.avatar_media_id}/small" alt="A blue square">`);
      expect(page.text).toContain(
        `<img src="/media/${row.header_media_id}/small" alt="Your current header (no description)">`,
      );
      expect((await t.http().get(`/media/${row.avatar_media_id}/small`)).status).toBe(200);

      // A new description without a new image describes the current one.
      const again = await upload(browser, csrfOf(page.text), {
        header_description: 'Pink',
        avatar_description: 'Blue',
      });
      expect(again.status).toBe(303);
      const [header] = await db.query(`SELECT alt_text FROM media_attachments WHERE id = $1`, [row.header_media_id]);
      expect(header.alt_text).toBe('Pink');
      expect((await account(member.account.id)).avatar_media_id).toBe(row.avatar_media_id);
    });

    it('refuses a file that is not an image and a description too long, storing nothing', async () => {
      const member = await signUp(t);
      const browser = await webClient(t, member);
      const token = csrfOf((await browser.get('/settings')).text);
      const count = async () =>
        (
          await db.query(`SELECT count(*)::int AS n FROM media_attachments WHERE account_id = $1`, [member.account.id])
        )[0].n as number;
      const notImage = await upload(browser, token, { avatar: Buffer.from('just text, not a picture') });
      expect(notImage.status).toBe(422);
      expect(notImage.text).toContain('role="alert"');
      const tooLong = await upload(browser, token, { avatar: png(8, 8), avatar_description: 'd'.repeat(1501) });
      expect(tooLong.status).toBe(422);
      expect(tooLong.text).toContain('A description is at most 1500 characters');
      expect(await count()).toBe(0);
      expect((await account(member.account.id)).avatar_media_id).toBeNull();
    });

    it('changes nothing for a forged upload', async () => {
      const member = await signUp(t);
      const browser = await webClient(t, member);
      const other = await webClient(t, await signUp(t));
      const othersToken = csrfOf((await other.get('/settings')).text);
      const token = csrfOf((await browser.get('/settings')).text);
      expect((await upload(browser, '', { avatar: png(8, 8) })).status).toBe(403);
      expect((await upload(browser, othersToken, { avatar: png(8, 8) })).status).toBe(403);
      expect((await upload(browser, token, { avatar: png(8, 8) }, 'https://evil.example')).status).toBe(403);
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM media_attachments WHERE account_id = $1`, [
        member.account.id,
      ]);
      expect(n).toBe(0);
    });

    it('removes the avatar only after the confirmation step', async () => {
      const member = await signUp(t);
      const browser = await webClient(t, member);
      await upload(browser, csrfOf((await browser.get('/settings')).text), { avatar: png(16, 16) });
      expect((await account(member.account.id)).avatar_media_id).not.toBeNull();
      const asked = await submit(browser, '/settings', '/settings/pictures/remove', { kind: 'avatar' });
      expect(asked.status).toBe(200);
      expect(asked.text).toContain('<h1>Remove your avatar?</h1>');
      expect((await account(member.account.id)).avatar_media_id).not.toBeNull();
      const done = await browser.post('/settings/pictures/remove', formFields(asked.text, '/settings/pictures/remove'));
      expect(done.status).toBe(303);
      expect((await account(member.account.id)).avatar_media_id).toBeNull();
    });
  });

  describe('authorized apps', () => {
    it('lists the member’s apps and revokes one after confirming; another member’s app id changes nothing', async () => {
      const member = await signUp(t);
      const otherMember = await signUp(t);
      const app = await registerApp(t, 'read write');
      const token = await appToken(t, member, 'read', app);
      const othersApp = await registerApp(t, 'read');
      const othersToken = await appToken(t, otherMember, 'read', othersApp);
      const browser = await webClient(t, member);
      const page = await browser.get('/settings/apps');
      expect(page.status).toBe(200);
      expect(page.text).toContain('<h1>Authorized apps</h1>');
      expect(page.text).toContain('<strong>Test client</strong>');
      expect(page.text).toContain(
        'Read everything your account can see: posts, timelines, profile, follows, lists, notifications <span class="muted small">(read)</span>',
      );
      expect(page.text).toContain('href="/oauth/authorized_applications"');
      const [appRow] = await db.query(`SELECT id FROM oauth_applications WHERE client_id = $1`, [app.client_id]);
      const [othersRow] = await db.query(`SELECT id FROM oauth_applications WHERE client_id = $1`, [
        othersApp.client_id,
      ]);
      expect(page.text).toContain(`action="/settings/apps/${appRow.id}/revoke"`);
      expect(page.text).not.toContain(othersRow.id);

      // Another member's app: not theirs to revoke, even confirmed.
      const forged = await browser.post(`/settings/apps/${othersRow.id}/revoke`, {
        authenticity_token: csrfOf(page.text),
        confirm: 'yes',
      });
      expect(forged.status).toBe(404);
      const verify = (bearer: string) =>
        t.http().get('/api/v1/accounts/verify_credentials').set('authorization', `Bearer ${bearer}`);
      expect((await verify(othersToken)).status).toBe(200);

      const asked = await submit(browser, '/settings/apps', `/settings/apps/${appRow.id}/revoke`, {});
      expect(asked.text).toContain('<h1>Revoke Test client?</h1>');
      expect((await verify(token)).status).toBe(200);
      const done = await browser.post(
        `/settings/apps/${appRow.id}/revoke`,
        formFields(asked.text, `/settings/apps/${appRow.id}/revoke`),
      );
      expect(done.status).toBe(303);
      expect((await verify(token)).status).toBe(401);
      expect((await browser.get('/settings/apps')).text).toContain('You have not authorized any apps.');
      expect((await browser.get('/oauth/authorized_applications')).text).toContain('href="/settings/apps"');
    });
  });

  describe('sessions', () => {
    it('lists this account’s sessions, marks this browser, and logs out the others after confirming', async () => {
      const member = await signUp(t);
      const here = await webClient(t, member);
      const there = await webClient(t, member);
      const page = await here.get('/settings/sessions');
      expect(page.status).toBe(200);
      const live = await liveSessions(member.account.id);
      // signUp's own GraphQL session and the two browsers.
      expect(live).toHaveLength(3);
      expect(page.text.match(/<span class="badge ok">This browser<\/span>/g)).toHaveLength(1);
      // Every live session but this browser's has a log-out button.
      const revocable = [...page.text.matchAll(/action="\/settings\/sessions\/([0-9a-f-]{36})\/revoke"/g)].map(
        (m) => m[1],
      );
      expect(revocable).toHaveLength(2);
      expect(live).toEqual(expect.arrayContaining(revocable));
      expect(page.text).toContain('127.0.0.1');

      const asked = await submit(here, '/settings/sessions', '/settings/sessions/others', {});
      expect(asked.text).toContain('<h1>Log out other sessions?</h1>');
      expect(await liveSessions(member.account.id)).toHaveLength(3);
      const done = await here.post('/settings/sessions/others', formFields(asked.text, '/settings/sessions/others'));
      expect(done.status).toBe(303);
      expect(await liveSessions(member.account.id)).toHaveLength(1);
      expect((await here.get('/settings/sessions')).text).toContain(
        '<p class="notice ok" role="status">2 other sessions were logged out.</p>',
      );
      expect((await there.get('/settings')).status).toBe(303);
    });

    it('logs out one session; another account’s session id changes nothing', async () => {
      const member = await signUp(t);
      const victim = await signUp(t);
      const victimBrowser = await webClient(t, victim);
      const here = await webClient(t, member);
      await webClient(t, member);
      const victimSessions = await liveSessions(victim.account.id);
      const token = csrfOf((await here.get('/settings/sessions')).text);
      for (const id of victimSessions) {
        const forged = await here.post(`/settings/sessions/${id}/revoke`, {
          authenticity_token: token,
          confirm: 'yes',
        });
        expect(forged.status).toBe(404);
        expect(forged.text).toContain('You have no such session');
      }
      expect(
        (await here.post('/settings/sessions/not-a-uuid/revoke', { authenticity_token: token, confirm: 'yes' })).status,
      ).toBe(404);
      expect(await liveSessions(victim.account.id)).toEqual(victimSessions);
      expect((await victimBrowser.get('/settings')).status).toBe(200);

      const page = await here.get('/settings/sessions');
      const [target] = [...page.text.matchAll(/action="\/settings\/sessions\/([0-9a-f-]{36})\/revoke"/g)].map(
        (m) => m[1],
      );
      const asked = await here.post(`/settings/sessions/${target}/revoke`, { authenticity_token: csrfOf(page.text) });
      expect(asked.text).toContain('<h1>Log out this session?</h1>');
      const done = await here.post(
        `/settings/sessions/${target}/revoke`,
        formFields(asked.text, `/settings/sessions/${target}/revoke`),
      );
      expect(done.status).toBe(303);
      expect(await liveSessions(member.account.id)).not.toContain(target);
      expect(await liveSessions(member.account.id)).toHaveLength(2);
    });

    it('AuthService.endSession refuses another account’s session and leaves it live', async () => {
      const member = await signUp(t);
      const victim = await signUp(t);
      const auth = t.app.get(AuthService);
      const [mine] = await liveSessions(member.account.id);
      const [theirs] = await liveSessions(victim.account.id);
      const [{ user_id: userId }] = await db.query(`SELECT id AS user_id FROM users WHERE account_id = $1`, [
        member.account.id,
      ]);
      const context = {
        sessionId: mine,
        userId,
        accountId: member.account.id,
        role: 'user' as never,
        scopes: null,
        applicationId: null,
      };
      await expect(auth.endSession(context, theirs)).rejects.toMatchObject({
        reason: IdentityErrorCode.SessionNotFound,
      });
      expect(await liveSessions(victim.account.id)).toEqual([theirs]);
      expect((await auth.listSessions(context)).map((s) => s.id)).toEqual([mine]);
    });
    it('exposes the same operations in GraphQL, for the member’s own sessions, never to an app', async () => {
      const member = await signUp(t);
      const victim = await signUp(t);
      const second = (
        await t.gql<{ logIn: { token: string } }>(`mutation ($input: LogInInput!) { logIn(input: $input) { token } }`, {
          input: { usernameOrEmail: member.username, password: member.password },
        })
      ).data!.logIn.token;
      const list = await t.gql<{ sessions: { id: string; current: boolean }[] }>(
        `{ sessions { id current } }`,
        undefined,
        member.token,
      );
      expect(list.data!.sessions).toHaveLength(2);
      expect(list.data!.sessions.filter((s) => s.current)).toHaveLength(1);
      const [theirs] = await liveSessions(victim.account.id);
      const forged = await t.gql(`mutation ($id: ID!) { endSession(id: $id) }`, { id: theirs }, member.token);
      expect(forged.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'SESSION_NOT_FOUND' });
      expect(await liveSessions(victim.account.id)).toEqual([theirs]);
      const appBearer = await appToken(t, member, 'read write');
      const fromApp = await t.gql(`{ sessions { id } }`, undefined, appBearer);
      expect(fromApp.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
      const ended = await t.gql<{ logOutOtherSessions: number }>(`mutation { logOutOtherSessions }`, undefined, second);
      expect(ended.data!.logOutOtherSessions).toBe(1);
      expect((await t.gql(`{ viewer { id } }`, undefined, member.token)).errors?.[0].extensions.code).toBe(
        'UNAUTHENTICATED',
      );
      const verify = await t
        .http()
        .get('/api/v1/accounts/verify_credentials')
        .set('authorization', `Bearer ${appBearer}`);
      expect(verify.status).toBe(200);
    });
  });

  describe('password', () => {
    it('refuses a wrong current password, a short one and a mismatch with 422, changing nothing', async () => {
      const member = await signUp(t);
      const browser = await webClient(t, member);
      const [{ password_hash: before }] = await db.query(`SELECT password_hash FROM users WHERE account_id = $1`, [
        member.account.id,
      ]);
      const wrong = await submit(browser, '/settings/password', '/settings/password', {
        current_password: 'not my password',
        new_password: 'a brand new passphrase',
        confirm_password: 'a brand new passphrase',
      });
      expect(wrong.status).toBe(422);
      expect(wrong.text).toContain(
        '<p class="field-error" id="field-current_password-error">The current password is wrong</p>',
      );
      const short = await submit(browser, '/settings/password', '/settings/password', {
        current_password: member.password,
        new_password: 'short',
        confirm_password: 'short',
      });
      expect(short.status).toBe(422);
      expect(short.text).toContain('newPassword must be 10 to 256 characters');
      const mismatch = await submit(browser, '/settings/password', '/settings/password', {
        current_password: member.password,
        new_password: 'a brand new passphrase',
        confirm_password: 'a brand new passphrase!',
      });
      expect(mismatch.status).toBe(422);
      expect(mismatch.text).toContain('The two new passwords differ.');
      const [{ password_hash: after }] = await db.query(`SELECT password_hash FROM users WHERE account_id = $1`, [
        member.account.id,
      ]);
      expect(after).toBe(before);
    });

    it('changes the password: this browser stays signed in, other sessions end', async () => {
      const member = await signUp(t);
      const here = await webClient(t, member);
      const there = await webClient(t, member);
      const res = await submit(here, '/settings/password', '/settings/password', {
        current_password: member.password,
        new_password: 'a brand new passphrase',
        confirm_password: 'a brand new passphrase',
      });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/settings/password');
      const next = await here.get('/settings/password');
      expect(next.status).toBe(200);
      expect(next.text).toContain('Password changed. 2 other sessions were signed out.');
      expect((await there.get('/settings')).status).toBe(303);
      expect(await liveSessions(member.account.id)).toHaveLength(1);
      const fresh = new FormClient(t, ORIGIN);
      expect(
        (await fresh.signIn(member.username, 'a brand new passphrase', '/auth/sign_in?return_to=%2F')).status,
      ).toBe(303);
    });

    it('changes nothing for a forged form', async () => {
      const member = await signUp(t);
      const browser = await webClient(t, member);
      const res = await browser.post('/settings/password', {
        current_password: member.password,
        new_password: 'a brand new passphrase',
        confirm_password: 'a brand new passphrase',
      });
      expect(res.status).toBe(403);
      expect(
        (await new FormClient(t, ORIGIN).signIn(member.username, member.password, '/auth/sign_in?return_to=%2F'))
          .status,
      ).toBe(303);
    });
  });

  describe('export', () => {
    let member: SignedUp;
    let other: SignedUp;
    let memberBrowser: FormClient;

    const postLedger = async (key: string, accountId: string, lines: [string, string | null, number][]) => {
      await db.query(
        `WITH entry AS (
           INSERT INTO coop_journal_entries (id, key, ledger, period_id) VALUES (gen_random_uuid(), $1, $2, NULL) RETURNING id
         )
         INSERT INTO coop_postings (entry_id, account, member_id, vintage, amount)
         SELECT entry.id, l.account, CASE WHEN l.mine THEN $3::uuid END, l.vintage, l.amount
           FROM entry, jsonb_to_recordset($4::jsonb) AS l(account text, mine boolean, vintage text, amount bigint)`,
        [
          key,
          key.startsWith('units') ? 'units' : 'money',
          accountId,
          JSON.stringify(
            lines.map(([acct, vintage, amount]) => ({
              account: acct,
              mine: acct !== 'cash' && acct !== 'issued',
              vintage,
              amount,
            })),
          ),
        ],
      );
    };

    beforeAll(async () => {
      member = await signUp(t);
      other = await signUp(t);
      await t.gql(CREATE_POST, { input: { content: '=1+2 a formula, "quoted", with a comma' } }, member.token);
      await t.gql(CREATE_POST, { input: { content: 'Second, an article', title: 'My title' } }, member.token);
      await t.gql(CREATE_POST, { input: { content: 'not mine' } }, other.token);
      await postLedger(`money:${member.username}`, member.account.id, [
        ['cash', null, 123456],
        ['capital', 'p1', -123456],
      ]);
      await postLedger(`money:${other.username}`, other.account.id, [
        ['cash', null, 999],
        ['capital', 'p1', -999],
      ]);
      await postLedger(`units:${member.username}`, member.account.id, [
        ['issued', null, 40],
        ['unvested', null, -40],
      ]);
      memberBrowser = await webClient(t, member);
    });

    it('shows the export page with the four downloads', async () => {
      const page = await memberBrowser.get('/settings/export');
      expect(page.status).toBe(200);
      expect(page.text).toContain('<h1>Export your data</h1>');
      for (const file of ['posts.json', 'posts.csv', 'ledger.csv', 'ledger.json']) {
        expect(page.text).toContain(`href="/settings/export/${file}"`);
      }
      expect(page.text).toContain('2 posts');
    });

    it('downloads the member’s posts as JSON, only theirs', async () => {
      const res = await memberBrowser.get('/settings/export/posts.json');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(
        new RegExp(`^attachment; filename="${member.username}-posts-\\d{4}-\\d{2}-\\d{2}\\.json"$`),
      );
      const body = JSON.parse(res.text) as { account: string; posts: { text: string }[] };
      expect(body.account).toBe(member.username);
      expect(body.posts.map((p) => p.text)).toEqual(['=1+2 a formula, "quoted", with a comma', 'Second, an article']);
      expect(body.posts[1]).toMatchObject({ kind: 'article', title: 'My title', visibility: 'public', likes: 0 });
      expect(res.text).not.toContain('not mine');
    });

    it('downloads the posts as CSV, quoted and formula-safe', async () => {
      const res = await memberBrowser.get('/settings/export/posts.csv');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
      expect(res.headers['content-disposition']).toContain('attachment; filename=');
      const lines = res.text.split('\r\n');
      expect(lines[0]).toBe(
        'id,uri,created_at,edited_at,kind,visibility,title,content_warning,language,text,in_reply_to,boost_of,likes,boosts,replies',
      );
      expect(lines[1]).toContain(`,note,public,,,,"'=1+2 a formula, ""quoted"", with a comma",,,0,0,0`);
      expect(lines).toHaveLength(4);
      expect(res.text).not.toContain('not mine');
    });

    it('downloads the ledger lines as CSV and JSON: cents and decimals, only the member’s', async () => {
      const csv = await memberBrowser.get('/settings/export/ledger.csv');
      expect(csv.status).toBe(200);
      expect(csv.headers['content-disposition']).toMatch(/^attachment; filename=".*-ledger-.*\.csv"$/);
      const rows = csv.text.trim().split('\r\n');
      expect(rows[0]).toBe(
        'posting,posted_at,entry,ledger,period,period_id,account,vintage,side,amount_cents,amount,units',
      );
      expect(rows).toHaveLength(3);
      expect(rows[1]).toMatch(
        new RegExp(`^\\d+,[0-9T:.Z-]+,money:${member.username},money,,,capital,p1,credit,-123456,-1234.56,$`),
      );
      expect(rows[2]).toMatch(/,units,,,unvested,,credit,,,-40$/);
      expect(csv.text).not.toContain('999');

      const json = await memberBrowser.get('/settings/export/ledger.json');
      const body = JSON.parse(json.text);
      expect(body.lines).toEqual([
        expect.objectContaining({ ledger: 'money', account: 'capital', amountCents: -123456, amount: '-1234.56' }),
        expect.objectContaining({ ledger: 'units', account: 'unvested', units: -40 }),
      ]);
    });

    it('gives a steward only their own data too', async () => {
      const steward = await signUp(t);
      await makeStaff(t, steward.account.id, 'admin');
      const browser = await webClient(t, steward);
      const posts = JSON.parse((await browser.get('/settings/export/posts.json')).text);
      expect(posts.posts).toEqual([]);
      const ledger = await browser.get('/settings/export/ledger.csv');
      expect(ledger.text).toBe(
        'posting,posted_at,entry,ledger,period,period_id,account,vintage,side,amount_cents,amount,units\r\n',
      );
      expect((await browser.get('/settings')).text).toContain('<h1>Profile settings</h1>');
    });

    it('reads a long history a batch at a time, in order', async () => {
      const exporter = t.app.get(PostExportService);
      const sizes: number[] = [];
      const texts: (string | null)[] = [];
      for await (const batch of exporter.batches(member.account.id, 1)) {
        sizes.push(batch.length);
        texts.push(...batch.map((p) => p.text));
      }
      expect(sizes).toEqual([1, 1]);
      expect(texts).toEqual(['=1+2 a formula, "quoted", with a comma', 'Second, an article']);
    });
  });
});
