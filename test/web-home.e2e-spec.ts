import { DataSource } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { FormClient } from './utils/oauth-pages';
import { createTestApp, type TestApp } from './utils/test-app';
import { csrfOf, makeStaff, submit, webClient } from './utils/web';

describe('web app: landing, home and composing', () => {
  let t: TestApp;
  let db: DataSource;
  let member: SignedUp;

  beforeAll(async () => {
    t = await createTestApp({ INSTANCE_NAME: 'Harbour Co-op', INSTANCE_DESCRIPTION: 'Writers who own their press.' });
    db = t.app.get(DataSource);
    member = await signUp(t, { displayName: 'Ada Writer' });
  });

  afterAll(() => t.close());

  it('shows visitors the landing page with sign-up, under a strict CSP', async () => {
    const res = await new FormClient(t, 'http://guildhall.test').get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1 id="welcome">Harbour Co-op</h1>');
    expect(res.text).toContain('Writers who own their press.');
    expect(res.text).toContain('href="/auth/sign_up?return_to=%2F"');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; " +
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).not.toMatch(/<script|style=|<style/);
    expect(res.text).not.toContain('Console');
  });

  it('serves the stylesheet the pages link', async () => {
    const res = await t.http().get('/web/app.css');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(res.text).toContain('prefers-color-scheme: dark');
  });

  it("shows a signed-in member their home, without the stewards' console", async () => {
    const browser = await webClient(t, member);
    const res = await browser.get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Welcome, Ada Writer</h1>');
    expect(res.text).toContain('Apply for membership');
    expect(res.text).not.toContain('href="/console"');
  });

  it('shows stewards the console link', async () => {
    const steward = await signUp(t);
    await makeStaff(t, steward.account.id, 'moderator');
    const res = await (await webClient(t, steward)).get('/');
    expect(res.text).toContain('href="/console"');
  });

  it('publishes a post from the compose form and shows a notice once', async () => {
    const browser = await webClient(t, member);
    const res = await submit(browser, '/', '/posts', { content: 'Hello from the *web app*', visibility: 'unlisted' });
    expect(res.status).toBe(303);
    const [post] = await db.query(
      `SELECT id, visibility, content FROM posts WHERE account_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [member.account.id],
    );
    expect(res.headers.location).toBe('/');
    expect(post.visibility).toBe('unlisted');
    expect(post.content).toBe('<p>Hello from the <em>web app</em></p>');
    const next = await browser.get('/');
    expect(next.text).toContain(
      `<p class="notice ok" role="status">Published: http://guildhall.test/posts/${post.id}</p>`,
    );
    const again = await browser.get('/');
    expect(again.text).not.toContain('Published:');
    expect(again.text).toContain('<h2 id="recent-title">Your recent posts</h2>');
    expect(again.text).toContain(`<div class="content"><p>Hello from the <em>web app</em></p></div>`);
    expect(again.text).toContain(`<a href="/posts/${post.id}">`);
  });

  it('refuses an empty post with a clear error and keeps nothing', async () => {
    const browser = await webClient(t, member);
    const before = await db.query(`SELECT count(*)::int AS n FROM posts WHERE account_id = $1`, [member.account.id]);
    const res = await submit(browser, '/', '/posts', { content: '   ', visibility: 'public' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('role="alert"');
    const after = await db.query(`SELECT count(*)::int AS n FROM posts WHERE account_id = $1`, [member.account.id]);
    expect(after[0].n).toBe(before[0].n);
  });

  it('changes nothing for a forged post: no token, a token of another session, or another origin', async () => {
    const browser = await webClient(t, member);
    const other = await webClient(t, await signUp(t));
    const othersToken = csrfOf((await other.get('/')).text);
    const count = async (): Promise<number> => {
      const [row]: { n: number }[] = await db.query(`SELECT count(*)::int AS n FROM posts WHERE account_id = $1`, [
        member.account.id,
      ]);
      return row.n;
    };
    const before = await count();
    expect((await browser.post('/posts', { content: 'forged' })).status).toBe(403);
    expect((await browser.post('/posts', { authenticity_token: othersToken, content: 'forged' })).status).toBe(403);
    const token = csrfOf((await browser.get('/')).text);
    expect(
      (await browser.post('/posts', { authenticity_token: token, content: 'forged' }, 'https://evil.example')).status,
    ).toBe(403);
    expect(await count()).toBe(before);
  });

  it('sends a signed-out compose to sign in', async () => {
    const res = await new FormClient(t, 'http://guildhall.test').post('/posts', { content: 'x' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/auth/sign_in?return_to=%2Fposts');
  });
});
