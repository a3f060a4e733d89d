import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_IN } from './utils/factories';
import { cleanEnv, run } from './utils/spawn';
import { createTestApp, uniqueName, type TestApp } from './utils/test-app';

describe('the guildhall command', () => {
  let t: TestApp;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const guildhall = (...args: string[]) => run(['bin/guildhall.js', ...args], env);

  beforeAll(async () => {
    t = await createTestApp();
    dataDir = mkdtempSync(join(tmpdir(), 'guildhall-cli-'));
    env = cleanEnv({
      DATABASE_URL: process.env.TEST_DATABASE_URL,
      DATA_DIR: dataDir,
      PUBLIC_ORIGIN: 'http://guildhall.test',
    });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates an admin account that can then log in over GraphQL', async () => {
    const username = uniqueName('admin');
    const result = await guildhall(
      'accounts',
      'create',
      username,
      '--email',
      `${username}@example.org`,
      '--password',
      'a long admin password',
      '--role',
      'admin',
    );
    expect(result.stderr).not.toMatch(/error|warn/i);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      username,
      email: `${username}@example.org`,
      role: 'admin',
    });
    const login = await t.gql<{ logIn: { account: { handle: string } } }>(LOG_IN, {
      input: { usernameOrEmail: username, password: 'a long admin password' },
    });
    expect(login.data?.logIn.account.handle).toBe(username);
  });

  it('exits 2 naming the problem for bad input, and creates nothing', async () => {
    const username = uniqueName();
    const weak = await guildhall('accounts', 'create', username, '--email', 'x@example.org', '--password', 'short');
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('--password must be at least 10 characters');
    const role = await guildhall(
      'accounts',
      'create',
      username,
      '--email',
      'x@example.org',
      '--password',
      'long enough pw',
      '--role',
      'king',
    );
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('Allowed choices are member, moderator, admin');
    const badName = await guildhall(
      'accounts',
      'create',
      'Bad-Name',
      '--email',
      'x@example.org',
      '--password',
      'long enough pw',
    );
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('Usernames are 1 to 30 characters');
    const missing = await guildhall('accounts', 'create', username);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--email <email>' not specified");
    const login = await t.gql(LOG_IN, { input: { usernameOrEmail: username, password: 'long enough pw' } });
    expect(login.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a taken username with exit 2', async () => {
    const username = uniqueName();
    const args = ['accounts', 'create', username, '--email', `${username}@example.org`, '--password', 'long enough pw'];
    expect((await guildhall(...args)).code).toBe(0);
    const again = await guildhall(...args);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('That username is taken');
  });

  it('has --help on every command', async () => {
    for (const args of [['--help'], ['migrate', '--help'], ['accounts', '--help'], ['accounts', 'create', '--help']]) {
      const result = await guildhall(...args);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: guildhall');
    }
  });

  it('migrate reports nothing left to apply on a migrated database', async () => {
    const result = await guildhall('migrate');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ applied: [] });
  });

  it('stops on a bad environment variable with one line naming it', async () => {
    const result = await run(['bin/guildhall.js', 'migrate'], { ...env, PORT: 'eighty' });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'guildhall: Invalid environment variable PORT: expected an integer, got "eighty"',
    );
  });
});
