import { createHash, createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SessionCleanupService } from '@guildhall/identity';
import { LOG_IN, SIGN_UP, signUp, VIEWER } from './utils/factories';
import { createTestApp, uniqueName, type TestApp } from './utils/test-app';

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A JWT signed with `secret`: lets a test forge tokens the way an attacker would. */
function jwt(payload: object, secret: string): string {
  const head = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

describe('accounts and auth over GraphQL', () => {
  let t: TestApp;
  let db: DataSource;
  const count = async (table: string) =>
    Number((await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    t = await createTestApp({ NODE_ENV: 'production' });
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  describe('signUp', () => {
    it('creates a local account and returns a token that works at once', async () => {
      const name = uniqueName('Alice');
      const res = await t.gql<{ signUp: { token: string; account: Record<string, unknown> } }>(SIGN_UP, {
        input: {
          username: name,
          email: `${name}@Example.org`,
          password: 'correct horse battery',
          displayName: ' Alice ',
        },
      });
      const lower = name.toLowerCase();
      expect(res.errors).toBeUndefined();
      expect(res.data!.signUp.account).toMatchObject({
        handle: lower,
        displayName: 'Alice',
        uri: `http://guildhall.test/users/${lower}`,
        url: `http://guildhall.test/@${lower}`,
        followersCount: 0,
        followingCount: 0,
      });
      const viewer = await t.gql<{ viewer: { handle: string } }>(VIEWER, {}, res.data!.signUp.token);
      expect(viewer.data).toEqual({ viewer: { id: res.data!.signUp.account.id, handle: lower } });
      const [user] = await db.query<{ email: string; role: string; password_hash: string }[]>(
        'SELECT u.email, u.role, u.password_hash FROM users u JOIN accounts a ON a.id = u.account_id WHERE a.username = $1',
        [lower],
      );
      expect(user.email).toBe(`${lower}@example.org`);
      expect(user.role).toBe('member');
      expect(user.password_hash.split('$').slice(1, 4)).toEqual(['argon2id', 'v=19', expect.any(String)]);
      expect(user.password_hash.split('$')[3].split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
    });

    it('refuses a taken username case-insensitively and a taken email without naming it, changing nothing', async () => {
      const first = await signUp(t);
      const before = [await count('accounts'), await count('users')];
      const upper = await t.gql(SIGN_UP, {
        input: { username: first.username.toUpperCase(), email: 'other@example.org', password: 'long enough password' },
      });
      expect(upper.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'USERNAME_TAKEN' });
      const email = await t.gql(SIGN_UP, {
        input: { username: uniqueName(), email: first.email.toUpperCase(), password: 'long enough password' },
      });
      // Whether an email address is registered is not told: the answer names neither field.
      expect(email.errors?.[0]).toMatchObject({
        message: 'This username or email address cannot be used to sign up',
        extensions: { code: 'BAD_USER_INPUT', reason: 'SIGN_UP_REFUSED' },
      });
      expect([await count('accounts'), await count('users')]).toEqual(before);
    });

    it.each([
      ['a weak password', { password: 'short' }, 'password must be 10 to 256 characters'],
      ['an invalid email', { email: 'not-an-email' }, 'email must be a valid email address'],
      ['a username with a dash', { username: 'bad-name' }, 'username must be 1 to 30 characters'],
      ['a 31-character username', { username: 'a'.repeat(31) }, 'username must be 1 to 30 characters'],
    ])('refuses %s with BAD_USER_INPUT', async (_label, override, message) => {
      const before = await count('accounts');
      const res = await t.gql(SIGN_UP, {
        input: {
          username: uniqueName(),
          email: `${uniqueName()}@example.org`,
          password: 'long enough password',
          ...override,
        },
      });
      expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].message).toContain(message);
      expect(res.data).toBeNull();
      expect(await count('accounts')).toBe(before);
    });

    it('lets exactly one of two concurrent sign-ups with one username through', async () => {
      const name = uniqueName();
      const results = await Promise.all(
        [1, 2].map((i) =>
          t.gql(SIGN_UP, {
            input: { username: name, email: `${name}.${i}@example.org`, password: 'long enough password' },
          }),
        ),
      );
      expect(results.filter((r) => r.errors === undefined)).toHaveLength(1);
      expect(results.filter((r) => r.errors?.[0].extensions.reason === 'USERNAME_TAKEN')).toHaveLength(1);
    });
  });

  describe('logIn', () => {
    it('accepts the username or the email, in any case', async () => {
      const member = await signUp(t);
      for (const login of [member.username, member.email.toUpperCase()]) {
        const res = await t.gql<{ logIn: { token: string; account: { id: string } } }>(LOG_IN, {
          input: { usernameOrEmail: login, password: member.password },
        });
        expect(res.errors).toBeUndefined();
        expect(res.data!.logIn.account.id).toBe(member.account.id);
        const viewer = await t.gql<{ viewer: { id: string } }>(VIEWER, {}, res.data!.logIn.token);
        expect(viewer.data!.viewer.id).toBe(member.account.id);
      }
    });

    it('answers a wrong password and an unknown user identically', async () => {
      const member = await signUp(t);
      const wrong = await t.gql(LOG_IN, { input: { usernameOrEmail: member.username, password: 'not the password' } });
      const unknown = await t.gql(LOG_IN, { input: { usernameOrEmail: uniqueName(), password: 'not the password' } });
      for (const res of [wrong, unknown]) {
        expect(res.data).toBeNull();
        expect(res.errors).toEqual([
          expect.objectContaining({
            message: 'Wrong username, email or password',
            extensions: { code: 'UNAUTHENTICATED', reason: 'INVALID_CREDENTIALS' },
          }),
        ]);
      }
    });
  });

  describe('tokens', () => {
    it('refuses a missing, malformed, forged or expired token with UNAUTHENTICATED', async () => {
      const member = await signUp(t);
      const [, payload] = member.token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const secret = t.runtime.config.jwtSecret;
      const tokens = {
        missing: undefined,
        malformed: 'not.a.jwt',
        forged: jwt(claims, 'x'.repeat(48)),
        otherAccount: jwt({ ...claims, sub: '00000000-0000-4000-8000-000000000000' }, secret),
        expired: jwt({ ...claims, iat: 1_000, exp: 2_000 }, secret),
        noneAlgorithm: `${base64url({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      };
      for (const [label, token] of Object.entries(tokens)) {
        const res = await t.gql(VIEWER, {}, token);
        expect({ label, code: res.errors?.[0].extensions.code, viewer: res.data?.viewer }).toEqual({
          label,
          code: 'UNAUTHENTICATED',
          viewer: null,
        });
      }
      const expired = await t.gql(VIEWER, {}, tokens.expired);
      expect(expired.errors?.[0].message).toBe('The access token has expired');
    });

    it('refuses a bad token even on a public query', async () => {
      const res = await t.gql('query { account(handle: "nobody") { id } }', {}, 'not.a.jwt');
      expect(res.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('logOut revokes the session at once; logOutEverywhere ends every session', async () => {
      const member = await signUp(t);
      const second = await t.gql<{ logIn: { token: string } }>(LOG_IN, {
        input: { usernameOrEmail: member.username, password: member.password },
      });
      const out = await t.gql<{ logOut: boolean }>('mutation { logOut }', {}, member.token);
      expect(out.data).toEqual({ logOut: true });
      expect((await t.gql(VIEWER, {}, member.token)).errors?.[0].extensions).toMatchObject({
        code: 'UNAUTHENTICATED',
        reason: 'SESSION_REVOKED',
      });
      const secondToken = second.data!.logIn.token;
      expect((await t.gql(VIEWER, {}, secondToken)).errors).toBeUndefined();
      const everywhere = await t.gql<{ logOutEverywhere: number }>('mutation { logOutEverywhere }', {}, secondToken);
      expect(everywhere.data).toEqual({ logOutEverywhere: 1 });
      expect((await t.gql(VIEWER, {}, secondToken)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('rotates refresh tokens: each works once', async () => {
      const member = await signUp(t);
      const REFRESH =
        'mutation($input: RefreshSessionInput!) { refreshSession(input: $input) { token refreshToken account { id } } }';
      const first = await t.gql<{ refreshSession: { token: string; refreshToken: string; account: { id: string } } }>(
        REFRESH,
        { input: { refreshToken: member.refreshToken } },
      );
      expect(first.data!.refreshSession.account.id).toBe(member.account.id);
      expect(first.data!.refreshSession.refreshToken).not.toBe(member.refreshToken);
      expect((await t.gql(VIEWER, {}, first.data!.refreshSession.token)).errors).toBeUndefined();
      const replay = await t.gql(REFRESH, { input: { refreshToken: member.refreshToken } });
      expect(replay.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SESSION_REVOKED' });
    });
    it('revokes the whole session when a spent refresh token comes back, and only that session', async () => {
      const member = await signUp(t);
      const REFRESH = 'mutation($input: RefreshSessionInput!) { refreshSession(input: $input) { token refreshToken } }';
      type Pair = { refreshSession: { token: string; refreshToken: string } };
      const other = await t.gql<{ logIn: { token: string } }>(LOG_IN, {
        input: { usernameOrEmail: member.username, password: member.password },
      });
      const rotated = (await t.gql<Pair>(REFRESH, { input: { refreshToken: member.refreshToken } })).data!
        .refreshSession;
      const newest = (await t.gql<Pair>(REFRESH, { input: { refreshToken: rotated.refreshToken } })).data!
        .refreshSession;
      expect((await t.gql(VIEWER, {}, newest.token)).errors).toBeUndefined();

      // The first refresh token, spent two rotations ago, is presented again (a thief's copy).
      const reuse = await t.gql(REFRESH, { input: { refreshToken: member.refreshToken } });
      expect(reuse.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SESSION_REVOKED' });
      for (const token of [newest.token, rotated.token, member.token]) {
        expect((await t.gql(VIEWER, {}, token)).errors?.[0].extensions).toMatchObject({
          code: 'UNAUTHENTICATED',
          reason: 'SESSION_REVOKED',
        });
      }
      const newestRefresh = await t.gql(REFRESH, { input: { refreshToken: newest.refreshToken } });
      expect(newestRefresh.errors?.[0].extensions).toMatchObject({ reason: 'SESSION_REVOKED' });
      // The member's other device keeps its session.
      expect((await t.gql(VIEWER, {}, other.data!.logIn.token)).data).toEqual({
        viewer: { id: member.account.id, handle: member.username },
      });
      const [row] = await db.query<{ revoked: boolean }[]>(
        'SELECT s.revoked_at IS NOT NULL AS revoked FROM sessions s JOIN spent_refresh_tokens t ON t.session_id = s.id WHERE t.token_hash = $1',
        [createHash('sha256').update(member.refreshToken).digest('hex')],
      );
      expect(row).toEqual({ revoked: true });
    });

    it('forgets spent refresh tokens older than a refresh token lives', async () => {
      const member = await signUp(t);
      const REFRESH = 'mutation($input: RefreshSessionInput!) { refreshSession(input: $input) { refreshToken } }';
      const next = await t.gql<{ refreshSession: { refreshToken: string } }>(REFRESH, {
        input: { refreshToken: member.refreshToken },
      });
      await t.gql(REFRESH, { input: { refreshToken: next.data!.refreshSession.refreshToken } });
      const [old, recent] = [member.refreshToken, next.data!.refreshSession.refreshToken].map((token) =>
        createHash('sha256').update(token).digest('hex'),
      );
      await db.query(`UPDATE spent_refresh_tokens SET spent_at = now() - interval '31 days' WHERE token_hash = $1`, [
        old,
      ]);
      await t.app.get(SessionCleanupService).run();
      const left = await db.query<{ token_hash: string }[]>(
        'SELECT token_hash FROM spent_refresh_tokens WHERE token_hash = ANY($1)',
        [[old, recent]],
      );
      expect(left).toEqual([{ token_hash: recent }]);
    });

    it('answers an unknown refresh token with SESSION_REVOKED, ending no session', async () => {
      const member = await signUp(t);
      const res = await t.gql('mutation($input: RefreshSessionInput!) { refreshSession(input: $input) { token } }', {
        input: { refreshToken: 'never-issued-token' },
      });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SESSION_REVOKED' });
      expect((await t.gql(VIEWER, {}, member.token)).errors).toBeUndefined();
    });
  });

  describe('guards and errors', () => {
    it('requires a token for viewer and mutations but not for public reads', async () => {
      expect((await t.gql(VIEWER)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      expect((await t.gql('mutation { logOut }')).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      const member = await signUp(t);
      const res = await t.gql<{ account: { id: string } }>(
        `query { account(handle: "${member.username.toUpperCase()}") { id } }`,
      );
      expect(res.data).toEqual({ account: { id: member.account.id } });
      expect((await t.gql('query { account(handle: "nobody_here") { id } }')).data).toEqual({ account: null });
    });

    it('answers malformed and invalid operations with codes and no stack traces', async () => {
      const parse = await t.gql('query { viewer { id ');
      expect(parse.status).toBe(400);
      expect(parse.errors?.[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
      const unknown = await t.gql('query { nope }');
      expect(unknown.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const badVariable = await t.gql(SIGN_UP, { input: { username: 5 } });
      expect(badVariable.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      for (const res of [parse, unknown, badVariable]) {
        expect(JSON.stringify(res.errors)).not.toMatch(/stacktrace|\.ts:|node_modules/);
      }
    });

    it('refuses an operation over the complexity limit before running it', async () => {
      // 40 authors × 40 of their posts (more than 500 fields is refused before costing: ADR 0020).
      const res = await t.gql(
        'query { timeline(kind: LOCAL, first: 40) { edges { node { author { posts(first: 40) { edges { node { id } } } } } } } }',
      );
      expect(res.status).toBe(400);
      expect(res.errors?.[0].extensions).toMatchObject({
        code: 'GRAPHQL_VALIDATION_FAILED',
        complexity: 25 + 40 * (1 + 1 + 25 + 40 * 2),
        maxComplexity: 2000,
      });
      expect(res.data).toBeUndefined();
    });

    it('serves /health with database and queue checks and echoes request ids', async () => {
      const res = await t.http().get('/health').set('x-request-id', 'req-12345');
      expect(res.status).toBe(200);
      expect(res.headers['x-request-id']).toBe('req-12345');
      expect(res.body).toMatchObject({
        status: 'ok',
        info: { database: { status: 'up' }, queue: { status: 'up', backend: 'redis' } },
      });
    });
  });
});

describe('log-in rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Its own key space: the counters of the other suite's app must not count here.
    t = await createTestApp({
      RATE_LIMIT_LOGIN_FAILURES: '3',
      RATE_LIMIT_LOGIN_PER_IP: '12',
      QUEUE_PREFIX: `${process.env.TEST_QUEUE_PREFIX}-rl`,
    });
  });
  afterAll(() => t.close());

  it('locks an account after repeated failures, even for the right password, and limits each address', async () => {
    const member = await signUp(t);
    for (let i = 0; i < 3; i += 1) {
      const res = await t.gql(LOG_IN, { input: { usernameOrEmail: member.username, password: 'wrong password' } });
      expect(res.errors?.[0].extensions.reason).toBe('INVALID_CREDENTIALS');
    }
    const locked = await t.gql(LOG_IN, { input: { usernameOrEmail: member.username, password: member.password } });
    expect(locked.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'RATE_LIMITED' });
    expect(locked.errors?.[0].extensions.retryAfterSeconds).toBeGreaterThan(0);

    // 4 attempts so far from this address; the 13th is refused whoever it names.
    const other = await signUp(t);
    const verdicts: string[] = [];
    for (let i = 0; i < 9; i += 1) {
      const res = await t.gql(LOG_IN, { input: { usernameOrEmail: other.username, password: other.password } });
      verdicts.push(res.errors ? String(res.errors[0].extensions.code) : 'OK');
    }
    expect(verdicts).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'OK', 'OK', 'OK', 'RATE_LIMITED']);
  });
});

describe('log-in lockout is per address, not per member', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      TRUST_PROXY: 'true',
      RATE_LIMIT_LOGIN_FAILURES: '3',
      RATE_LIMIT_LOGIN_FAILURES_PER_IP: '5',
      RATE_LIMIT_LOGIN_ACCOUNT_BRAKE: '6',
      QUEUE_PREFIX: `${process.env.TEST_QUEUE_PREFIX}-lockout`,
    });
  });
  afterAll(() => t.close());

  /** logIn as seen from client address `ip` (behind the trusted proxy); the error reason or 'OK'. */
  const logInFrom = async (ip: string, usernameOrEmail: string, password: string): Promise<string> => {
    const res = await t
      .http()
      .post('/graphql')
      .set('x-forwarded-for', ip)
      .send({ query: LOG_IN, variables: { input: { usernameOrEmail, password } } });
    const body = res.body as { data?: { logIn?: unknown }; errors?: { extensions: { reason?: string } }[] };
    return body.errors ? String(body.errors[0].extensions.reason) : body.data?.logIn ? 'OK' : 'NONE';
  };

  it("locks the attacker's address out of the account while the member logs in from theirs", async () => {
    const member = await signUp(t);
    const attacker = '203.0.113.1';
    const tries = [];
    for (let i = 0; i < 4; i += 1) tries.push(await logInFrom(attacker, member.username, 'wrong password'));
    expect(tries).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'RATE_LIMITED']);
    // Even the right password: the attacker's address may not try this account now.
    expect(await logInFrom(attacker, member.username, member.password)).toBe('RATE_LIMITED');
    // By email too: the count is the account's, not the login string's.
    expect(await logInFrom(attacker, member.email, member.password)).toBe('RATE_LIMITED');
    expect(await logInFrom('198.51.100.7', member.username, member.password)).toBe('OK');
    expect(await logInFrom('198.51.100.8', member.email, member.password)).toBe('OK');
  });

  it('limits failures per address across accounts', async () => {
    const members = await Promise.all([1, 2, 3, 4, 5, 6].map(() => signUp(t)));
    const sprayer = '203.0.113.2';
    const verdicts = [];
    for (const m of members.slice(0, 5)) verdicts.push(await logInFrom(sprayer, m.username, 'Password123!'));
    expect(verdicts).toEqual(Array(5).fill('INVALID_CREDENTIALS'));
    expect(await logInFrom(sprayer, members[5].username, members[5].password)).toBe('RATE_LIMITED');
    expect(await logInFrom('198.51.100.20', members[5].username, members[5].password)).toBe('OK');
  });

  it('brakes guessing spread over many addresses, but not from an address the member used before', async () => {
    const member = await signUp(t);
    expect(await logInFrom('198.51.100.30', member.username, member.password)).toBe('OK');
    for (let i = 0; i < 6; i += 1) {
      expect(await logInFrom(`203.0.113.${10 + i}`, member.username, 'wrong password')).toBe('INVALID_CREDENTIALS');
    }
    expect(await logInFrom('192.0.2.50', member.username, member.password)).toBe('RATE_LIMITED');
    expect(await logInFrom('198.51.100.30', member.username, member.password)).toBe('OK');
  });
});
