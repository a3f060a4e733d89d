import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LOG_IN, signUp, type SignedUp } from './utils/factories';
import { registerApp, type RegisteredTestApp } from './utils/mastodon';
import { csrfOf, FormClient, formFields } from './utils/oauth-pages';
import { createListeningTestApp, type TestApp } from './utils/test-app';

const REDIRECT = 'https://app.example/callback';
const VIEWER = /* GraphQL */ `
  query {
    viewer {
      id
    }
  }
`;

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizePath(app: RegisteredTestApp, extra: Record<string, string> = {}, redirectUri = REDIRECT): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: app.client_id,
    redirect_uri: redirectUri,
    scope: 'read write',
    state: 'st-123',
    ...extra,
  });
  return `/oauth/authorize?${query.toString()}`;
}

describe('OAuth pages: forms, sessions and refusals', () => {
  let t: TestApp & { origin: string };
  let db: DataSource;
  let member: SignedUp;
  let app: RegisteredTestApp;

  const codesOf = async (appId: string) =>
    Number(
      (
        await db.query<{ n: string }[]>(
          'SELECT count(*) AS n FROM oauth_authorization_codes WHERE application_id = $1',
          [appId],
        )
      )[0].n,
    );

  const signedIn = async () => {
    const browser = new FormClient(t, t.origin);
    const res = await browser.signIn(member.email, member.password);
    expect(res.status).toBe(303);
    return browser;
  };

  beforeAll(async () => {
    t = await createListeningTestApp();
    db = t.app.get(DataSource);
    member = await signUp(t);
    app = await registerApp(t, 'read write follow', `${REDIRECT} urn:ietf:wg:oauth:2.0:oob`);
  });
  afterAll(() => t.close());

  it('shows an unknown client or an unregistered redirect URI as an error page, never a redirect', async () => {
    const browser = await signedIn();
    const unknown = await browser.get(authorizePath({ ...app, client_id: 'nope' }));
    expect(unknown.status).toBe(400);
    expect(unknown.headers.location).toBeUndefined();
    expect(unknown.text).toContain('Client authentication failed');
    const elsewhere = await browser.get(authorizePath(app, {}, 'https://evil.example/steal'));
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.headers.location).toBeUndefined();
    expect(elsewhere.text).toContain('The redirect URI is not one the app registered');
    expect(elsewhere.text).not.toContain('evil.example');
    // A consent form doctored to another redirect URI is refused the same way, with no code.
    const consent = await browser.get(authorizePath(app));
    const fields = formFields(consent.text, '/oauth/authorize');
    const doctored = await browser.post('/oauth/authorize', {
      ...fields,
      redirect_uri: 'https://evil.example/steal',
      decision: 'approve',
    });
    expect(doctored.status).toBe(400);
    expect(doctored.headers.location).toBeUndefined();
    expect(await codesOf(app.id)).toBe(0);
  });

  it('asks an anonymous visitor to sign in, under a strict CSP, and comes back to the consent page', async () => {
    const browser = new FormClient(t, t.origin);
    const path = authorizePath(app);
    const form = await browser.get(path);
    expect(form.status).toBe(200);
    expect(form.headers['content-security-policy']).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(form.headers['cache-control']).toBe('no-store');
    expect(form.text).toContain('<html lang="en">');
    expect(form.text).toContain('<label for="login">Email or username</label>');
    expect(form.text).toContain('<link rel="stylesheet" href="/oauth/pages.css">');
    expect(form.text).not.toMatch(/<script|<style|style="/);
    expect(browser.cookie('guildhall_csrf')).toMatch(/^[\w-]{32}$/);

    const res = await browser.post('/auth/sign_in', {
      authenticity_token: csrfOf(form.text),
      return_to: formFields(form.text, '/auth/sign_in').return_to,
      login: member.username,
      password: member.password,
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(path);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((line) =>
      line.startsWith('guildhall_session='),
    );
    expect(cookie).toMatch(/; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);

    const consent = await browser.get(path);
    expect(consent.status).toBe(200);
    expect(consent.text).toContain('<h1>Authorize Test client?</h1>');
    expect(consent.text).toContain('href="https://client.example"');
    expect(consent.text).toContain('Read everything your account can see');
    expect(consent.text).toContain('Post, edit and delete for you');
    expect(consent.text).not.toContain('Follow, unfollow, block and mute');
    expect(consent.headers['content-security-policy']).toContain("form-action 'self' https://app.example;");
  });

  it('escapes the app name and website it shows', async () => {
    const registered = await t.http().post('/api/v1/apps').send({
      client_name: '<img src=x onerror=alert(1)> "Evil"',
      redirect_uris: REDIRECT,
      website: 'https://evil.example/"><script>alert(1)</script>',
      scopes: 'read',
    });
    expect(registered.status).toBe(200);
    const browser = await signedIn();
    const consent = await browser.get(authorizePath(registered.body as RegisteredTestApp, { scope: 'read' }));
    expect(consent.status).toBe(200);
    expect(consent.text).toContain('<h1>Authorize &lt;img src=x onerror=alert(1)&gt; &quot;Evil&quot;?</h1>');
    expect(consent.text).toContain('href="https://evil.example/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(consent.text).not.toMatch(/<img|<script/);
  });

  it('refuses a bad password (422, no session) and a sign-in without the CSRF token or from another origin (403)', async () => {
    const browser = new FormClient(t, t.origin);
    const wrong = await browser.signIn(member.email, 'not the password');
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('Wrong username, email or password');
    expect(browser.cookie('guildhall_session')).toBeUndefined();

    const page = await browser.get('/auth/sign_in');
    const good = { authenticity_token: csrfOf(page.text), login: member.email, password: member.password };
    const noToken = await browser.post('/auth/sign_in', { ...good, authenticity_token: 'forged' });
    expect(noToken.status).toBe(403);
    const crossSite = await browser.post('/auth/sign_in', good, 'https://evil.example');
    expect(crossSite.status).toBe(403);
    const noOrigin = await browser.post('/auth/sign_in', good, null);
    expect(noOrigin.status).toBe(403);
    expect(browser.cookie('guildhall_session')).toBeUndefined();
  });

  it('throttles form log-ins with GraphQL logIn: failures on one count against the other', async () => {
    const target = await signUp(t);
    const browser = new FormClient(t, t.origin);
    // RATE_LIMIT_LOGIN_FAILURES (10 per account and address) in all, half through each door.
    for (let i = 0; i < 5; i += 1) {
      expect((await browser.signIn(target.username, 'wrong password')).status).toBe(422);
      const gql = await t.gql(LOG_IN, { input: { usernameOrEmail: target.username, password: 'wrong password' } });
      expect(gql.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    const locked = await browser.signIn(target.username, target.password);
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('Too many attempts');
    expect(browser.cookie('guildhall_session')).toBeUndefined();
    const viaGraphql = await t.gql(LOG_IN, { input: { usernameOrEmail: target.username, password: target.password } });
    expect(viaGraphql.errors?.[0].extensions.reason).toBe('RATE_LIMITED');
  });

  it('refuses a consent POST with a bad CSRF token (403) and issues no code', async () => {
    const browser = await signedIn();
    const consent = await browser.get(authorizePath(app));
    const fields = formFields(consent.text, '/oauth/authorize');
    const forged = await browser.post('/oauth/authorize', {
      ...fields,
      authenticity_token: 'x'.repeat(43),
      decision: 'approve',
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.location).toBeUndefined();
    // Another browser's valid session token is not this session's.
    const other = await signedIn();
    const otherToken = csrfOf((await other.get(authorizePath(app))).text);
    const swapped = await browser.post('/oauth/authorize', {
      ...fields,
      authenticity_token: otherToken,
      decision: 'approve',
    });
    expect(swapped.status).toBe(403);
    const anonymous = new FormClient(t, t.origin);
    const signedOut = await anonymous.post('/oauth/authorize', { ...fields, decision: 'approve' });
    expect(signedOut.status).toBe(403);
    expect(await codesOf(app.id)).toBe(0);
  });

  it('Deny sends the app back with error=access_denied and the state', async () => {
    const browser = await signedIn();
    const consent = await browser.get(authorizePath(app));
    const res = await browser.post('/oauth/authorize', {
      ...formFields(consent.text, '/oauth/authorize'),
      decision: 'deny',
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.location);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('st-123');
    expect(location.searchParams.get('code')).toBeNull();
    expect(await codesOf(app.id)).toBe(0);
  });

  it('Authorize with PKCE: the code goes to the redirect URI and works once, only with the verifier', async () => {
    const browser = await signedIn();
    const { verifier, challenge } = pkce();
    const consent = await browser.get(authorizePath(app, { code_challenge: challenge, code_challenge_method: 'S256' }));
    const res = await browser.post('/oauth/authorize', {
      ...formFields(consent.text, '/oauth/authorize'),
      decision: 'approve',
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.location);
    expect(location.searchParams.get('state')).toBe('st-123');
    const code = location.searchParams.get('code')!;
    expect(code).toMatch(/^[\w-]{43}$/);

    const exchange = (codeVerifier: string) =>
      t.http().post('/oauth/token').send({
        grant_type: 'authorization_code',
        client_id: app.client_id,
        code,
        redirect_uri: REDIRECT,
        code_verifier: codeVerifier,
      });
    // A second code refused without the right verifier (a code spent on a failed try is gone).
    const other = await browser.get(authorizePath(app, { code_challenge: challenge, code_challenge_method: 'S256' }));
    const second = await browser.post('/oauth/authorize', {
      ...formFields(other.text, '/oauth/authorize'),
      decision: 'approve',
    });
    const secondCode = new URL(second.headers.location).searchParams.get('code');
    const wrong = await t.http().post('/oauth/token').send({
      grant_type: 'authorization_code',
      client_id: app.client_id,
      code: secondCode,
      redirect_uri: REDIRECT,
      code_verifier: pkce().verifier,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');

    const ok = await exchange(verifier);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', scope: 'read write' });
    const again = await exchange(verifier);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    // The member's token, for this app: GraphQL sees the member, the REST API the app.
    const viewer = await t.gql<{ viewer: { id: string } }>(VIEWER, {}, ok.body.access_token);
    expect(viewer.data?.viewer.id).toBe(member.account.id);
    const apps = await t
      .http()
      .get('/api/v1/apps/verify_credentials')
      .set('authorization', `Bearer ${ok.body.access_token}`);
    expect(apps.status).toBe(200);
    expect(apps.body.name).toBe('Test client');
  });

  it('out-of-band: Authorize shows the code on a page; the app exchanges it with its secret', async () => {
    const browser = await signedIn();
    const consent = await browser.get(authorizePath(app, {}, 'urn:ietf:wg:oauth:2.0:oob'));
    expect(consent.headers['content-security-policy']).toContain("form-action 'self';");
    const res = await browser.post('/oauth/authorize', {
      ...formFields(consent.text, '/oauth/authorize'),
      decision: 'approve',
    });
    expect(res.status).toBe(200);
    expect(res.headers.location).toBeUndefined();
    const code = /<code class="grant" id="code">([\w-]{43})<\/code>/.exec(res.text)?.[1];
    expect(code).toBeDefined();
    const token = await t.http().post('/oauth/token').send({
      grant_type: 'authorization_code',
      client_id: app.client_id,
      client_secret: app.client_secret,
      code,
      redirect_uri: 'urn:ietf:wg:oauth:2.0:oob',
    });
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe('read write');
  });

  it('force_login asks for the password again even with a session', async () => {
    const browser = await signedIn();
    const res = await browser.get(authorizePath(app, { force_login: 'true' }));
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Sign in to Guildhall</h1>');
    expect(formFields(res.text, '/auth/sign_in').return_to).not.toContain('force_login');
  });

  it('lists authorized apps; Revoke (with CSRF) ends the app’s tokens at once, a forged Revoke changes nothing', async () => {
    const browser = await signedIn();
    const consent = await browser.get(authorizePath(app, {}, 'urn:ietf:wg:oauth:2.0:oob'));
    const granted = await browser.post('/oauth/authorize', {
      ...formFields(consent.text, '/oauth/authorize'),
      decision: 'approve',
    });
    const code = /id="code">([\w-]{43})</.exec(granted.text)![1];
    const token = (
      await t.http().post('/oauth/token').send({
        grant_type: 'authorization_code',
        client_id: app.client_id,
        client_secret: app.client_secret,
        code,
        redirect_uri: 'urn:ietf:wg:oauth:2.0:oob',
      })
    ).body.access_token as string;
    const verify = () => t.http().get('/api/v1/apps/verify_credentials').set('authorization', `Bearer ${token}`);
    expect((await verify()).status).toBe(200);

    const list = await browser.get('/oauth/authorized_applications');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`<h2 id="app-${app.id}">Test client</h2>`);
    const action = `/oauth/authorized_applications/${app.id}/revoke`;
    const forged = await browser.post(action, { authenticity_token: 'forged' });
    expect(forged.status).toBe(403);
    expect((await verify()).status).toBe(200);

    const revoked = await browser.post(action, formFields(list.text, action));
    expect(revoked.status).toBe(303);
    expect(revoked.headers.location).toBe('/oauth/authorized_applications?revoked=1');
    expect((await verify()).status).toBe(401);
    const after = await browser.get('/oauth/authorized_applications?revoked=1');
    expect(after.text).not.toContain(`app-${app.id}`);
    expect(after.text).toContain('Access revoked');
  });

  it('sends a signed-out visitor of authorized apps to sign in; sign-out revokes the session', async () => {
    const anonymous = new FormClient(t, t.origin);
    const away = await anonymous.get('/oauth/authorized_applications');
    expect(away.status).toBe(303);
    expect(away.headers.location).toBe('/auth/sign_in?return_to=%2Foauth%2Fauthorized_applications');

    const browser = await signedIn();
    const stolen = browser.cookieHeader;
    const list = await browser.get('/oauth/authorized_applications');
    const out = await browser.post('/auth/sign_out', formFields(list.text, '/auth/sign_out'));
    expect(out.status).toBe(303);
    expect(browser.cookie('guildhall_session')).toBeUndefined();
    // The old cookie no longer signs anyone in: the session itself ended.
    const replay = await t.http().get('/oauth/authorized_applications').set('cookie', stolen);
    expect(replay.status).toBe(303);
  });

  it('keeps a browser signed in past its access token: the refresh token is rotated into a new cookie', async () => {
    const browser = await signedIn();
    const [, refresh] = browser.cookie('guildhall_session')!.split('~');
    const res = await t
      .http()
      .get('/oauth/authorized_applications')
      .set('cookie', `guildhall_session=not.a.jwt~${refresh}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(`Signed in as <strong>@${member.username}</strong>`);
    const renewed = (res.headers['set-cookie'] as unknown as string[]).find((line) =>
      line.startsWith('guildhall_session='),
    );
    expect(renewed).toBeDefined();
    expect(renewed).not.toContain(refresh);
    // The spent refresh token, presented again, ends that session (the identity lib's rotation rule).
    const replay = await t
      .http()
      .get('/oauth/authorized_applications')
      .set('cookie', `guildhall_session=x.y.z~${refresh}`);
    expect(replay.status).toBe(303);
    // …including for the cookie that still had a live access token.
    expect((await browser.get('/oauth/authorized_applications')).status).toBe(303);
  });

  it('signs up with the sign-up rules and refuses a short password, creating nothing', async () => {
    const browser = new FormClient(t, t.origin);
    const page = await browser.get('/auth/sign_up?return_to=%2Foauth%2Fauthorized_applications');
    const username = `pg_${Date.now().toString(36)}`;
    const base = { ...formFields(page.text, '/auth/sign_up'), username, email: `${username}@example.org` };
    const short = await browser.post('/auth/sign_up', { ...base, password: 'short' });
    expect(short.status).toBe(422);
    expect(short.text).toContain('password must be 10 to 256 characters');
    const [{ n }] = await db.query<{ n: string }[]>('SELECT count(*) AS n FROM accounts WHERE username = $1', [
      username,
    ]);
    expect(n).toBe('0');

    const created = await browser.post('/auth/sign_up', { ...base, password: 'a long enough password' });
    expect(created.status).toBe(303);
    expect(created.headers.location).toBe('/oauth/authorized_applications');
    const list = await browser.get('/oauth/authorized_applications');
    expect(list.text).toContain(`Signed in as <strong>@${username}</strong>`);
  });
});
