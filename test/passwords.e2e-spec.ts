import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LOG_IN, signUp, VIEWER, type SignedUp } from './utils/factories';
import { createTestApp, type GraphqlError, type TestApp } from './utils/test-app';

const CHANGE = 'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }';
const ISSUE =
  'mutation($handle: String!) { issuePasswordReset(handle: $handle) { token expiresAt account { handle } } }';
const RESET = 'mutation($token: String!, $n: String!) { resetPassword(token: $token, newPassword: $n) }';

const errorOf = (res: { errors?: GraphqlError[] }) => res.errors?.[0]?.extensions;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe('password change and reset', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: SignedUp;

  const logIn = async (usernameOrEmail: string, password: string) => {
    const res = await t.gql<{ logIn: { token: string } }>(LOG_IN, { input: { usernameOrEmail, password } });
    return res.data ? res.data.logIn.token : String(errorOf(res)?.reason);
  };
  const viewer = async (token: string) => {
    const res = await t.gql<{ viewer: { handle: string } }>(VIEWER, {}, token);
    return res.data?.viewer ? res.data.viewer.handle : String(errorOf(res)?.reason);
  };
  const issue = async (handle: string) => {
    const res = await t.gql<{ issuePasswordReset: { token: string; expiresAt: string; account: { handle: string } } }>(
      ISSUE,
      { handle },
      admin.token,
    );
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.issuePasswordReset;
  };
  const passwordHash = async (accountId: string) =>
    (await db.query<{ h: string }[]>('SELECT password_hash AS h FROM users WHERE account_id = $1', [accountId]))[0].h;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    admin = await signUp(t);
    await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [admin.account.id]);
  });
  afterAll(() => t.close());

  describe('changePassword', () => {
    it('needs a token and the current password, and keeps the sign-up policy, changing nothing', async () => {
      const member = await signUp(t);
      const before = await passwordHash(member.account.id);
      expect(errorOf(await t.gql(CHANGE, { c: member.password, n: 'a brand new password' }))).toMatchObject({
        code: 'UNAUTHENTICATED',
      });
      expect(errorOf(await t.gql(CHANGE, { c: 'not my password', n: 'a brand new password' }, member.token))).toEqual({
        code: 'BAD_USER_INPUT',
        reason: 'WRONG_PASSWORD',
      });
      const weak = await t.gql(CHANGE, { c: member.password, n: 'short' }, member.token);
      expect(errorOf(weak)?.code).toBe('BAD_USER_INPUT');
      expect(weak.errors?.[0].message).toContain('newPassword must be 10 to 256 characters');
      expect(await passwordHash(member.account.id)).toBe(before);
      expect(await viewer(member.token)).toBe(member.username);
    });

    it('sets the new password, keeps this session and ends the others', async () => {
      const member = await signUp(t);
      const otherDevice = await logIn(member.username, member.password);
      const res = await t.gql<{ changePassword: number }>(
        CHANGE,
        { c: member.password, n: 'a brand new password' },
        member.token,
      );
      expect(res.data).toEqual({ changePassword: 1 });
      expect(await viewer(member.token)).toBe(member.username);
      expect(await viewer(otherDevice)).toBe('SESSION_REVOKED');
      expect(await logIn(member.username, member.password)).toBe('INVALID_CREDENTIALS');
      expect(await viewer(await logIn(member.username, 'a brand new password'))).toBe(member.username);
    });
  });

  describe('issuePasswordReset', () => {
    it('is for admins only, and for local accounts that exist', async () => {
      const [member, moderator] = await Promise.all([signUp(t), signUp(t)]);
      await db.query(`UPDATE users SET role = 'moderator' WHERE account_id = $1`, [moderator.account.id]);
      for (const who of [member, moderator]) {
        expect(errorOf(await t.gql(ISSUE, { handle: member.username }, who.token))).toMatchObject({
          code: 'FORBIDDEN',
        });
      }
      expect(errorOf(await t.gql(ISSUE, { handle: 'nobody_here_at_all' }, admin.token))).toEqual({
        code: 'NOT_FOUND',
        reason: 'ACCOUNT_NOT_FOUND',
      });
      expect(errorOf(await t.gql(ISSUE, { handle: 'someone@remote.example' }, admin.token))).toMatchObject({
        reason: 'ACCOUNT_NOT_FOUND',
      });
      const resets = await db.query<{ n: string }[]>(
        'SELECT count(*) AS n FROM password_resets r JOIN users u ON u.id = r.user_id WHERE u.account_id = $1',
        [member.account.id],
      );
      expect(resets).toEqual([{ n: '0' }]);
    });

    it('answers a one-hour token stored only as its hash', async () => {
      const member = await signUp(t);
      const before = Date.now();
      const reset = await issue(member.username);
      expect(reset.account.handle).toBe(member.username);
      expect(reset.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const ttl = Date.parse(reset.expiresAt) - before;
      expect(ttl).toBeGreaterThan(3_590_000);
      expect(ttl).toBeLessThanOrEqual(3_601_000);
      const rows = await db.query<{ token_hash: string; issued_by_account_id: string }[]>(
        `SELECT r.token_hash, r.issued_by_account_id FROM password_resets r JOIN users u ON u.id = r.user_id
         WHERE u.account_id = $1`,
        [member.account.id],
      );
      expect(rows).toEqual([{ token_hash: sha256(reset.token), issued_by_account_id: admin.account.id }]);
    });
  });

  describe('resetPassword', () => {
    it('sets the password once and ends every session of the account', async () => {
      const member = await signUp(t);
      const otherDevice = await logIn(member.username, member.password);
      const { token } = await issue(member.username);
      expect((await t.gql(RESET, { token, n: 'reset to this password' })).data).toEqual({ resetPassword: true });
      expect(await viewer(member.token)).toBe('SESSION_REVOKED');
      expect(await viewer(otherDevice)).toBe('SESSION_REVOKED');
      expect(await logIn(member.username, member.password)).toBe('INVALID_CREDENTIALS');
      expect(await viewer(await logIn(member.email, 'reset to this password'))).toBe(member.username);

      const again = await t.gql(RESET, { token, n: 'and once more please' });
      expect(errorOf(again)).toEqual({ code: 'BAD_USER_INPUT', reason: 'RESET_TOKEN_USED' });
      expect(await logIn(member.username, 'and once more please')).toBe('INVALID_CREDENTIALS');
    });

    it('refuses a wrong, expired, superseded token or a weak password, changing nothing', async () => {
      const member = await signUp(t);
      const before = await passwordHash(member.account.id);
      const first = await issue(member.username);
      const second = await issue(member.username);

      const wrong = await t.gql(RESET, { token: 'x'.repeat(43), n: 'a fine new password' });
      expect(errorOf(wrong)).toEqual({ code: 'BAD_USER_INPUT', reason: 'RESET_TOKEN_INVALID' });
      expect(wrong.errors?.[0].message).toBe('That password reset token is not valid');
      expect(errorOf(await t.gql(RESET, { token: first.token, n: 'a fine new password' }))).toEqual({
        code: 'BAD_USER_INPUT',
        reason: 'RESET_TOKEN_USED',
      });
      const weak = await t.gql(RESET, { token: second.token, n: 'short' });
      expect(errorOf(weak)?.code).toBe('BAD_USER_INPUT');
      expect(weak.errors?.[0].message).toContain('newPassword must be 10 to 256 characters');

      await db.query(`UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [
        sha256(second.token),
      ]);
      const expired = await t.gql(RESET, { token: second.token, n: 'a fine new password' });
      expect(errorOf(expired)).toEqual({ code: 'BAD_USER_INPUT', reason: 'RESET_TOKEN_EXPIRED' });
      expect(await passwordHash(member.account.id)).toBe(before);
      expect(await viewer(member.token)).toBe(member.username);
      const used = await db.query<{ used: boolean }[]>(
        'SELECT used_at IS NOT NULL AS used FROM password_resets WHERE token_hash = $1',
        [sha256(second.token)],
      );
      expect(used).toEqual([{ used: false }]);
    });

    it('lets exactly one of two concurrent resets with one token through', async () => {
      const member = await signUp(t);
      const { token } = await issue(member.username);
      const results = await Promise.all(
        ['first racer password', 'second racer password'].map((n) => t.gql(RESET, { token, n })),
      );
      expect(results.filter((r) => r.data?.resetPassword === true)).toHaveLength(1);
      expect(results.filter((r) => errorOf(r)?.reason === 'RESET_TOKEN_USED')).toHaveLength(1);
    });
  });
});

describe('password change and reset limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      RATE_LIMIT_LOGIN_FAILURES: '3',
      RATE_LIMIT_LOGIN_PER_IP: '3',
      QUEUE_PREFIX: `${process.env.TEST_QUEUE_PREFIX}-pw`,
    });
  });
  afterAll(() => t.close());

  it('counts a wrong current password as a failed log-in', async () => {
    const member = await signUp(t);
    const verdicts = [];
    for (let i = 0; i < 4; i += 1) {
      const res = await t.gql(CHANGE, { c: 'not my password', n: 'a brand new password' }, member.token);
      verdicts.push(errorOf(res)?.reason);
    }
    expect(verdicts).toEqual(['WRONG_PASSWORD', 'WRONG_PASSWORD', 'WRONG_PASSWORD', 'RATE_LIMITED']);
    expect(errorOf(await t.gql(CHANGE, { c: member.password, n: 'a brand new password' }, member.token))).toEqual(
      expect.objectContaining({ reason: 'RATE_LIMITED' }),
    );
  });

  it('limits reset attempts per address', async () => {
    const verdicts = [];
    for (let i = 0; i < 4; i += 1) {
      const res = await t.gql(RESET, { token: `guess-${i}`, n: 'a fine new password' });
      verdicts.push(errorOf(res)?.reason);
    }
    expect(verdicts).toEqual(['RESET_TOKEN_INVALID', 'RESET_TOKEN_INVALID', 'RESET_TOKEN_INVALID', 'RATE_LIMITED']);
  });
});
