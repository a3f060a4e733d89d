import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_IN } from './utils/factories';
import { cleanEnv, ROOT, run, type Result } from './utils/spawn';
import { createTestApp, uniqueName, type TestApp } from './utils/test-app';

const RESET = 'mutation($token: String!, $n: String!) { resetPassword(token: $token, newPassword: $n) }';

/** Runs the command with `input` on its standard input. */
function runWithInput(args: string[], env: NodeJS.ProcessEnv, input: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/**
 * Runs the command on a pseudo-terminal (util-linux `script`) and types each answer once the
 * screen shows its prompt; resolves to everything the terminal showed.
 */
function runOnTerminal(args: string[], env: NodeJS.ProcessEnv, answers: [prompt: string, typed: string][]) {
  return new Promise<{ code: number | null; screen: string }>((resolve, reject) => {
    const command = [process.execPath, ...args].join(' ');
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd: ROOT, env });
    let screen = '';
    let next = 0;
    let seen = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out on the terminal:\n${screen}`));
    }, 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      // Each prompt is looked for after the one before it.
      while (next < answers.length && screen.indexOf(answers[next][0], seen) >= 0) {
        seen = screen.indexOf(answers[next][0], seen) + answers[next][0].length;
        child.stdin.write(`${answers[next][1]}\r`);
        next += 1;
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}

describe('guildhall accounts: passwords kept out of the process list, and resets', () => {
  // Each command boots the whole application context (~5-15 s on a busy machine).
  jest.setTimeout(120_000);
  let t: TestApp;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const logIn = async (usernameOrEmail: string, password: string) => {
    const res = await t.gql<{ logIn: { account: { handle: string } } }>(LOG_IN, {
      input: { usernameOrEmail, password },
    });
    return res.data?.logIn.account.handle ?? String(res.errors?.[0].extensions.reason);
  };

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

  it('reads the password from standard input with --password-stdin', async () => {
    const username = uniqueName('stdin');
    const args = ['bin/guildhall.js', 'accounts', 'create', username, '--email', `${username}@example.org`];
    const result = await runWithInput([...args, '--password-stdin'], env, 'a password from stdin\n');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ username, role: 'member' });
    expect(await logIn(username, 'a password from stdin')).toBe(username);

    const short = await runWithInput(
      [...args.slice(0, 3), uniqueName(), '--email', 'x@example.org', '--password-stdin'],
      env,
      'short\n',
    );
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('the password must be at least 10 characters');
    const both = await runWithInput([...args, '--password', 'a long password', '--password-stdin'], env, 'x\n');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--password or --password-stdin, not both');
  });

  it('asks on a terminal without echoing, twice, when no password is given', async () => {
    const username = uniqueName('tty');
    const secret = 'typed at the prompt';
    const args = ['bin/guildhall.js', 'accounts', 'create', username, '--email', `${username}@example.org`];
    const { code, screen } = await runOnTerminal(args, env, [
      ['Password: ', secret],
      ['Password again: ', secret],
    ]);
    expect(code).toBe(0);
    expect(screen).toContain('Password again: ');
    expect(screen).not.toContain(secret);
    expect(await logIn(username, secret)).toBe(username);

    const mismatch = await runOnTerminal([...args.slice(0, 3), uniqueName(), '--email', 'y@example.org'], env, [
      ['Password: ', secret],
      ['Password again: ', 'something else entirely'],
    ]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.screen).toContain('the two passwords differ');
  });

  it('refuses to wait for a password that cannot come: no terminal and no --password-stdin', async () => {
    const username = uniqueName();
    const result = await run(['bin/guildhall.js', 'accounts', 'create', username, '--email', 'z@example.org'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pipe it with --password-stdin');
    expect(await logIn(username, 'whatever it was')).toBe('INVALID_CREDENTIALS');
  });

  it('still takes --password, with a note on stderr', async () => {
    const username = uniqueName();
    const result = await run(
      [
        'bin/guildhall.js',
        'accounts',
        'create',
        username,
        '--email',
        `${username}@example.org`,
        '--password',
        'on the command line',
      ],
      env,
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('--password can be read from the process list');
    expect(await logIn(username, 'on the command line')).toBe(username);
  });

  it('reset-password prints a one-time token that resetPassword takes once', async () => {
    const username = uniqueName('reset');
    const created = await runWithInput(
      ['bin/guildhall.js', 'accounts', 'create', username, '--email', `${username}@example.org`, '--password-stdin'],
      env,
      'the forgotten password',
    );
    expect(created.code).toBe(0);
    const before = Date.now();
    const issued = await run(['bin/guildhall.js', 'accounts', 'reset-password', username], env);
    const after = Date.now();
    expect(issued.code).toBe(0);
    const reset = JSON.parse(issued.stdout) as { username: string; token: string; expiresAt: string };
    expect(reset.username).toBe(username);
    expect(reset.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // One hour from when the command issued it.
    expect(Date.parse(reset.expiresAt)).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(Date.parse(reset.expiresAt)).toBeLessThanOrEqual(after + 3_600_000);

    expect((await t.gql(RESET, { token: reset.token, n: 'the remembered password' })).data).toEqual({
      resetPassword: true,
    });
    expect(await logIn(username, 'the forgotten password')).toBe('INVALID_CREDENTIALS');
    expect(await logIn(username, 'the remembered password')).toBe(username);
    const again = await t.gql(RESET, { token: reset.token, n: 'a third password here' });
    expect(again.errors?.[0].extensions.reason).toBe('RESET_TOKEN_USED');

    const unknown = await run(['bin/guildhall.js', 'accounts', 'reset-password', 'nobody_by_that_name'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No local account has that handle');
  });
});
