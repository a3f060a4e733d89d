import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_IN, SIGN_UP } from './utils/factories';
import { cleanEnv, NPM_START_ARGS, NPM_START_ENV, ROOT, run, start, postgresOf } from './utils/spawn';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function gql(port: number, query: string, variables: object) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as {
    data?: Record<string, { token: string; account: { handle: string } }>;
    errors?: unknown[];
  };
}

async function waitForHealth(port: number, output: () => string, timeoutMs = 45_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) return (await res.json()) as Record<string, unknown>;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`server did not become healthy:\n${output()}`);
}

describe('npm start on embedded defaults (no DATABASE_URL, no REDIS_URL)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let port: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'guildhall-embedded-'));
    chmodSync(dataDir, 0o755); // PostgreSQL runs as the postgres user when we are root
    port = await freePort();
    env = cleanEnv({
      LOG_LEVEL: 'info',
      PORT: String(port),
      DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
    });
  });
  afterAll(() => {
    for (const pid of postgresOf(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the command npm start runs', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const env = Object.entries(NPM_START_ENV).map(([name, value]) => `${name}=${value}`);
    expect(env).toEqual(['MALLOC_ARENA_MAX=2', 'MALLOC_MMAP_THRESHOLD_=1048576']);
    expect(pkg.scripts.start).toBe(`${env.join(' ')} node ${NPM_START_ARGS.join(' ')}`);
  });

  it('serves /health, signs up and logs in, shares the database with the CLI, and stops cleanly', async () => {
    const server = start(NPM_START_ARGS, { ...env, ...NPM_START_ENV });
    try {
      const health = await waitForHealth(port, server.output);
      expect(health).toMatchObject({
        status: 'ok',
        info: { database: { status: 'up' }, queue: { status: 'up', backend: 'postgres' } },
      });
      expect(postgresOf(dataDir)).toHaveLength(1);

      const signUp = await gql(port, SIGN_UP, {
        input: { username: 'embedded_alice', email: 'alice@example.org', password: 'correct horse battery' },
      });
      expect(signUp.errors).toBeUndefined();
      expect(signUp.data?.signUp.account.handle).toBe('embedded_alice');
      const logIn = await gql(port, LOG_IN, {
        input: { usernameOrEmail: 'alice@example.org', password: 'correct horse battery' },
      });
      expect(logIn.data?.logIn.account.handle).toBe('embedded_alice');

      // The CLI joins the running server's PostgreSQL and leaves it running.
      const created = await run(
        [
          'bin/guildhall.js',
          'accounts',
          'create',
          'embedded_bob',
          '--email',
          'bob@example.org',
          '--password',
          'a long password',
        ],
        env,
      );
      expect(created.code).toBe(0);
      expect(postgresOf(dataDir)).toHaveLength(1);
      const bob = await gql(port, LOG_IN, { input: { usernameOrEmail: 'embedded_bob', password: 'a long password' } });
      expect(bob.data?.logIn.account.handle).toBe('embedded_bob');
    } finally {
      server.child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => server.child.on('exit', resolve));
    expect(code).toBe(0);
    expect(postgresOf(dataDir)).toEqual([]);
    expect(server.output()).toContain('embedded PostgreSQL stopped');
    // Nest closed every pool before PostgreSQL went down.
    expect(server.output()).not.toContain('terminating connection');
  });

  it('stops at once with one line naming a bad variable, starting nothing', async () => {
    const result = await run(['dist/apps/server/main.js'], { ...env, PUBLIC_ORIGIN: 'https://example.org/sub' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Invalid environment variable PUBLIC_ORIGIN: expected an origin such as https://example.org, got "https://example.org/sub"',
    );
    expect(postgresOf(dataDir)).toEqual([]);
  });

  it('lets the CLI start and stop the embedded database itself when no server runs', async () => {
    const created = await run(
      [
        'bin/guildhall.js',
        'accounts',
        'create',
        'embedded_carol',
        '--email',
        'carol@example.org',
        '--password',
        'a long password',
      ],
      env,
    );
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ username: 'embedded_carol', role: 'member' });
    expect(postgresOf(dataDir)).toEqual([]);
  });
});
