import { DataSource } from 'typeorm';
import { SessionCache } from '@guildhall/identity';
import { eventually } from './utils/eventually';
import { LOG_IN, signUp, VIEWER, type SignedUp } from './utils/factories';
import { appToken, registerApp } from './utils/mastodon';
import { createTestApp, type TestApp } from './utils/test-app';

// Bearer tokens are answered from a short per-process memory of the session (ADR 0053): a
// revocation through the identity lib's own operations is honoured on the very next request, in
// this process and in every other process of the installation (Redis pub/sub); a change made
// around them (SQL by hand) shows within SESSION_CACHE_TTL_SECONDS.

type Gql = Awaited<ReturnType<TestApp['gql']>>;
const codeOf = (res: Gql) => res.errors?.[0]?.extensions;
const viewerId = (res: Gql) => (res.data as { viewer: { id: string } | null } | undefined)?.viewer?.id;

async function secondSession(t: TestApp, member: SignedUp): Promise<string> {
  const res = await t.gql<{ logIn: { token: string } }>(LOG_IN, {
    input: { usernameOrEmail: member.username, password: member.password },
  });
  if (!res.data) throw new Error(`logIn failed: ${JSON.stringify(res.errors)}`);
  return res.data.logIn.token;
}

describe('session cache: revocations in one process', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp({ SESSION_CACHE_TTL_SECONDS: '60' })));
  afterAll(() => t.close());

  it('answers a token from memory: a revocation made around the identity lib waits for the TTL', async () => {
    const member = await signUp(t);
    // A process remembers nothing until it hears evictions (subscribed on its first bearer token):
    // on a loaded machine the first lookup could finish before the subscription did.
    expect(await t.app.get(SessionCache).listenNow()).toBe(true);
    expect(viewerId(await t.gql(VIEWER, {}, member.token))).toBe(member.account.id);
    await t.app
      .get(DataSource)
      .query('UPDATE sessions SET revoked_at = now() WHERE user_id = (SELECT id FROM users WHERE account_id = $1)', [
        member.account.id,
      ]);
    // Remembered for up to 60 s here: proof the lookup is cached (and why ADR 0053 names the bound).
    expect(viewerId(await t.gql(VIEWER, {}, member.token))).toBe(member.account.id);
  });

  it('refuses a logged-out token on the next request', async () => {
    const member = await signUp(t);
    expect(viewerId(await t.gql(VIEWER, {}, member.token))).toBe(member.account.id);
    expect((await t.gql('mutation { logOut }', {}, member.token)).data).toEqual({ logOut: true });
    expect(codeOf(await t.gql(VIEWER, {}, member.token))).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'SESSION_REVOKED',
    });
  });

  it('refuses a session ended from another session, and the others after a password change', async () => {
    const member = await signUp(t);
    const other = await secondSession(t, member);
    const third = await secondSession(t, member);
    for (const token of [member.token, other, third]) {
      expect(viewerId(await t.gql(VIEWER, {}, token))).toBe(member.account.id);
    }
    const sessions = await t.gql<{ sessions: { id: string }[] }>('{ sessions { id } }', {}, member.token);
    const otherSid = (JSON.parse(Buffer.from(other.split('.')[1], 'base64url').toString()) as { sid: string }).sid;
    expect(sessions.data?.sessions.map((s) => s.id)).toContain(otherSid);
    expect((await t.gql('mutation($id: ID!) { endSession(id: $id) }', { id: otherSid }, member.token)).data).toEqual({
      endSession: true,
    });
    expect(codeOf(await t.gql(VIEWER, {}, other))).toMatchObject({ reason: 'SESSION_REVOKED' });

    const changed = await t.gql(
      'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }',
      { c: member.password, n: 'another long passphrase' },
      member.token,
    );
    expect(changed.data).toEqual({ changePassword: 1 });
    expect(codeOf(await t.gql(VIEWER, {}, third))).toMatchObject({ reason: 'SESSION_REVOKED' });
    expect(viewerId(await t.gql(VIEWER, {}, member.token))).toBe(member.account.id);
  });

  it('refuses a suspended member’s token on the next request', async () => {
    const moderator = await signUp(t);
    await t.app
      .get(DataSource)
      .query(`UPDATE users SET role = 'moderator' WHERE account_id = $1`, [moderator.account.id]);
    const member = await signUp(t);
    expect(viewerId(await t.gql(VIEWER, {}, member.token))).toBe(member.account.id);
    const suspended = await t.gql(
      'mutation($h: String!) { suspendAccount(handle: $h) { id } }',
      { h: member.username },
      moderator.token,
    );
    expect(suspended.errors).toBeUndefined();
    expect(codeOf(await t.gql(VIEWER, {}, member.token))).toMatchObject({ reason: 'ACCOUNT_SUSPENDED' });
  });

  it('refuses a revoked app token on the next request', async () => {
    const member = await signUp(t);
    const app = await registerApp(t);
    const token = await appToken(t, member, 'read write follow push', app);
    const verify = () => t.http().get('/api/v1/accounts/verify_credentials').set('authorization', `Bearer ${token}`);
    expect((await verify()).body).toMatchObject({ id: member.account.id });
    const revoked = await t
      .http()
      .post('/oauth/revoke')
      .send({ client_id: app.client_id, client_secret: app.client_secret, token });
    expect(revoked.status).toBe(200);
    const after = await verify();
    expect(after.status).toBe(401);
    expect(after.body).toEqual({ error: 'The access token is invalid' });
  });

  it('forgets what it remembered after SESSION_CACHE_TTL_SECONDS', async () => {
    const short = await createTestApp({ SESSION_CACHE_TTL_SECONDS: '1' });
    try {
      const member = await signUp(short);
      expect(viewerId(await short.gql(VIEWER, {}, member.token))).toBe(member.account.id);
      await short.app
        .get(DataSource)
        .query('UPDATE sessions SET revoked_at = now() WHERE user_id = (SELECT id FROM users WHERE account_id = $1)', [
          member.account.id,
        ]);
      const revokedAt = Date.now();
      await eventually(
        () => short.gql(VIEWER, {}, member.token),
        (res) => expect(codeOf(res)).toMatchObject({ reason: 'SESSION_REVOKED' }),
        5_000,
      );
      expect(Date.now() - revokedAt).toBeLessThan(2_500);
    } finally {
      await short.close();
    }
  });
});

describe('session cache: revocations across processes sharing Redis', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    // Two servers of one installation (same database, Redis and QUEUE_PREFIX); a long TTL, so
    // only the published eviction can make B forget.
    a = await createTestApp({ SESSION_CACHE_TTL_SECONDS: '60' });
    b = await createTestApp({ SESSION_CACHE_TTL_SECONDS: '60' });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('a logOut on one server is refused by the other', async () => {
    const member = await signUp(a);
    expect(viewerId(await b.gql(VIEWER, {}, member.token))).toBe(member.account.id);
    expect((await a.gql('mutation { logOut }', {}, member.token)).data).toEqual({ logOut: true });
    const loggedOutAt = Date.now();
    await eventually(
      () => b.gql(VIEWER, {}, member.token),
      (res) => expect(codeOf(res)).toMatchObject({ reason: 'SESSION_REVOKED' }),
      5_000,
    );
    // Redis pub/sub delivery, not the 60 s TTL.
    expect(Date.now() - loggedOutAt).toBeLessThan(1_000);
  });

  it('an app token revoked on one server is refused by the other', async () => {
    const member = await signUp(a);
    const app = await registerApp(a);
    const token = await appToken(a, member, 'read write follow push', app);
    const verifyOnB = () => b.http().get('/api/v1/accounts/verify_credentials').set('authorization', `Bearer ${token}`);
    expect((await verifyOnB()).status).toBe(200);
    await a.http().post('/oauth/revoke').send({ client_id: app.client_id, client_secret: app.client_secret, token });
    const revokedAt = Date.now();
    await eventually(verifyOnB, (res) => expect(res.status).toBe(401), 5_000);
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
  });
});
