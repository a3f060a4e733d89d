import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { signUp, VIEWER } from './utils/factories';
import { appToken, registerApp } from './utils/mastodon';
import { createTestApp, type TestApp } from './utils/test-app';

const PROFILE = /* GraphQL */ `
  mutation ($input: UpdateProfileInput!) {
    updateProfile(input: $input) {
      id
    }
  }
`;

describe('Mastodon OAuth: apps and tokens', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  describe('POST /api/v1/apps', () => {
    it('registers an app from a JSON body and shows the secret once, stored only hashed', async () => {
      const res = await t
        .http()
        .post('/api/v1/apps')
        .send({ client_name: 'Elk', redirect_uris: ['https://elk.example/cb', 'elk://cb'], scopes: 'read write' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        name: 'Elk',
        website: null,
        scopes: ['read', 'write'],
        redirect_uri: 'https://elk.example/cb\nelk://cb',
        redirect_uris: ['https://elk.example/cb', 'elk://cb'],
        client_secret_expires_at: 0,
      });
      expect(res.body.client_id).toMatch(/^[\w-]{43}$/);
      expect(res.body.client_secret).toMatch(/^[\w-]{43}$/);
      expect(typeof res.body.vapid_key).toBe('string');
      const [row] = await db.query<{ client_secret_hash: string }[]>(
        'SELECT client_secret_hash FROM oauth_applications WHERE client_id = $1',
        [res.body.client_id],
      );
      expect(row.client_secret_hash).toBe(createHash('sha256').update(res.body.client_secret).digest('hex'));
    });

    it('registers an app from a form body with the out-of-band redirect and the default scope', async () => {
      const res = await t
        .http()
        .post('/api/v1/apps')
        .type('form')
        .send('client_name=Tusky&redirect_uris=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob&website=https%3A%2F%2Ftusky.app');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        name: 'Tusky',
        website: 'https://tusky.app',
        scopes: ['read'],
        redirect_uris: ['urn:ietf:wg:oauth:2.0:oob'],
      });
    });

    it.each([
      [{ redirect_uris: 'urn:ietf:wg:oauth:2.0:oob' }, "Application name can't be blank"],
      [{ client_name: 'x' }, "Redirect URI can't be blank"],
      [{ client_name: 'x', redirect_uris: 'javascript:alert(1)' }, 'redirect_uris must be absolute URIs'],
      [{ client_name: 'x', redirect_uris: 'https://a.example/#frag' }, 'redirect_uris must be absolute URIs'],
      [
        { client_name: 'x', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: 'read admin:everything' },
        'Unknown scope',
      ],
    ])('refuses %j with 422', async (body, message) => {
      const before = Number((await db.query<{ n: string }[]>('SELECT count(*) AS n FROM oauth_applications'))[0].n);
      const res = await t.http().post('/api/v1/apps').send(body);
      expect(res.status).toBe(422);
      expect(res.body.error).toContain(message);
      const after = Number((await db.query<{ n: string }[]>('SELECT count(*) AS n FROM oauth_applications'))[0].n);
      expect(after).toBe(before);
    });
  });

  it('limits registrations per address with the sign-up budget: 429 and nothing stored', async () => {
    // Its own address (through a trusted proxy): the run's other registrations come from 127.0.0.1.
    const address = `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
    const limited = await createTestApp({ RATE_LIMIT_SIGNUP_PER_IP: '2', TRUST_PROXY: 'true' });
    try {
      const register = () =>
        limited
          .http()
          .post('/api/v1/apps')
          .set('x-forwarded-for', address)
          .send({ client_name: 'Flood', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob' });
      expect((await register()).status).toBe(200);
      expect((await register()).status).toBe(200);
      const before = Number((await db.query<{ n: string }[]>('SELECT count(*) AS n FROM oauth_applications'))[0].n);
      const refused = await register();
      expect(refused.status).toBe(429);
      expect(refused.body).toEqual({ error: 'Too many attempts; try again later' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      const after = Number((await db.query<{ n: string }[]>('SELECT count(*) AS n FROM oauth_applications'))[0].n);
      expect(after).toBe(before);
    } finally {
      await limited.close();
    }
  });

  describe('POST /oauth/token', () => {
    it('password grant: a token that works on GraphQL at once, with the scopes asked for', async () => {
      const member = await signUp(t);
      const app = await registerApp(t, 'read write follow');
      const res = await t.http().post('/oauth/token').type('form').send({
        grant_type: 'password',
        client_id: app.client_id,
        client_secret: app.client_secret,
        username: member.email,
        password: member.password,
        scope: 'read write',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'read write' });
      expect(Math.abs(res.body.created_at - Date.now() / 1000)).toBeLessThan(60);
      const viewer = await t.gql<{ viewer: { id: string } }>(VIEWER, {}, res.body.access_token);
      expect(viewer.data?.viewer.id).toBe(member.account.id);
    });

    it('refuses a scope the app did not register, a wrong password and a wrong secret', async () => {
      const member = await signUp(t);
      const app = await registerApp(t, 'read');
      const base = { grant_type: 'password', client_id: app.client_id, username: member.email };
      const wrongScope = await t
        .http()
        .post('/oauth/token')
        .send({ ...base, client_secret: app.client_secret, password: member.password, scope: 'read write' });
      expect(wrongScope.status).toBe(400);
      expect(wrongScope.body.error).toBe('invalid_scope');
      const wrongPassword = await t
        .http()
        .post('/oauth/token')
        .send({ ...base, client_secret: app.client_secret, password: 'not the password', scope: 'read' });
      expect(wrongPassword.status).toBe(400);
      expect(wrongPassword.body.error).toBe('invalid_grant');
      const wrongSecret = await t
        .http()
        .post('/oauth/token')
        .send({ ...base, client_secret: 'nope', password: member.password, scope: 'read' });
      expect(wrongSecret.status).toBe(401);
      expect(wrongSecret.body.error).toBe('invalid_client');
      const unsupported = await t.http().post('/oauth/token').send({ grant_type: 'implicit' });
      expect(unsupported.status).toBe(400);
      expect(unsupported.body.error).toBe('unsupported_grant_type');
    });

    it('a read-only token may query GraphQL but not mutate', async () => {
      const member = await signUp(t);
      const token = await appToken(t, member, 'read');
      const query = await t.gql<{ viewer: { id: string } }>(VIEWER, {}, token);
      expect(query.data?.viewer.id).toBe(member.account.id);
      const mutation = await t.gql(PROFILE, { input: { displayName: 'Changed' } }, token);
      expect(mutation.errors?.[0].extensions.code).toBe('FORBIDDEN');
      const [row] = await db.query<{ display_name: string | null }[]>(
        'SELECT display_name FROM accounts WHERE id = $1',
        [member.account.id],
      );
      expect(row.display_name).toBeNull();
    });

    it('client_credentials: the app token verifies the app but is not a member', async () => {
      const app = await registerApp(t, 'read write');
      const res = await t
        .http()
        .post('/oauth/token')
        .send({ grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('read write');
      const token = res.body.access_token as string;
      const verify = await t.http().get('/api/v1/apps/verify_credentials').set('authorization', `Bearer ${token}`);
      expect(verify.status).toBe(200);
      expect(verify.body).toMatchObject({ name: 'Test client', scopes: ['read', 'write'] });
      expect(verify.body.client_secret).toBeUndefined();
      const viewer = await t.gql(VIEWER, {}, token);
      expect(viewer.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('authorization_code with PKCE: a code issued by the consent step works once, only with its verifier', async () => {
      const member = await signUp(t);
      const app = await registerApp(t, 'read write', 'myapp://callback');
      const verifier = randomBytes(48).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const { OAuthService } = await import('@guildhall/identity');
      const oauth = t.app.get(OAuthService);
      const checked = await oauth.checkAuthorization({
        clientId: app.client_id,
        redirectUri: 'myapp://callback',
        responseType: 'code',
        scope: 'read',
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
      });
      const [user] = await db.query<{ id: string }[]>('SELECT id FROM users WHERE account_id = $1', [
        member.account.id,
      ]);
      const code = await oauth.issueCode(user.id, checked);
      const exchange = (codeVerifier: string) =>
        t.http().post('/oauth/token').send({
          grant_type: 'authorization_code',
          client_id: app.client_id,
          code,
          redirect_uri: 'myapp://callback',
          code_verifier: codeVerifier,
        });
      const wrong = await exchange(randomBytes(48).toString('base64url'));
      expect(wrong.status).toBe(400);
      expect(wrong.body.error).toBe('invalid_grant');
      // The wrong verifier spent the code: a stolen code cannot be retried.
      const again = await exchange(verifier);
      expect(again.status).toBe(400);

      const fresh = await oauth.issueCode(user.id, checked);
      const ok = await t.http().post('/oauth/token').send({
        grant_type: 'authorization_code',
        client_id: app.client_id,
        code: fresh,
        redirect_uri: 'myapp://callback',
        code_verifier: verifier,
      });
      expect(ok.status).toBe(200);
      expect(ok.body.scope).toBe('read');
      const viewer = await t.gql<{ viewer: { id: string } }>(VIEWER, {}, ok.body.access_token);
      expect(viewer.data?.viewer.id).toBe(member.account.id);
    });
  });

  describe('POST /oauth/revoke', () => {
    it('ends the token at once; another app cannot revoke it', async () => {
      const member = await signUp(t);
      const app = await registerApp(t);
      const other = await registerApp(t);
      const token = await appToken(t, member, 'read write follow push', app);
      const foreign = await t
        .http()
        .post('/oauth/revoke')
        .send({ client_id: other.client_id, client_secret: other.client_secret, token });
      expect(foreign.status).toBe(200);
      expect((await t.gql(VIEWER, {}, token)).data).toBeTruthy();
      const revoked = await t
        .http()
        .post('/oauth/revoke')
        .send({ client_id: app.client_id, client_secret: app.client_secret, token });
      expect(revoked.status).toBe(200);
      expect(revoked.body).toEqual({});
      const after = await t.gql(VIEWER, {}, token);
      expect(after.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      const rest = await t.http().get('/api/v1/apps/verify_credentials').set('authorization', `Bearer ${token}`);
      expect(rest.status).toBe(401);
      expect(rest.body).toEqual({ error: 'The access token is invalid' });
    });
  });

  it('publishes the authorization server metadata', async () => {
    const res = await t.http().get('/.well-known/oauth-authorization-server');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      issuer: 'http://guildhall.test/',
      authorization_endpoint: 'http://guildhall.test/oauth/authorize',
      token_endpoint: 'http://guildhall.test/oauth/token',
      revocation_endpoint: 'http://guildhall.test/oauth/revoke',
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'password', 'client_credentials'],
    });
    expect(res.body.scopes_supported).toEqual(
      expect.arrayContaining(['read', 'write', 'follow', 'push', 'read:statuses']),
    );
  });
});
