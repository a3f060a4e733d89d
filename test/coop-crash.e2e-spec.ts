import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { SIGN_UP } from './utils/factories';
import { cleanEnv, run, start } from './utils/spawn';
import { freshDatabase } from './utils/fresh-database';
import { testEnv, uniqueName } from './utils/test-app';

const MEMBERS = 20_000;
const EVENTS = 300_000;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * kill -9 of the server in the middle of a close (built server, npm run build first): the ledger
 * holds nothing of that period, the period is still open, and a close after restart posts it whole.
 */
describe('cooperative close killed with SIGKILL (e2e)', () => {
  let db: Client;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let port: number;

  const serve = async () => {
    const server = start(['dist/apps/server/main.js'], env);
    await until(async () => ((await fetch(`http://127.0.0.1:${port}/health`)).ok ? true : undefined), 'health');
    return server;
  };
  const gql = async (query: string, variables: object = {}, token?: string) => {
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  };
  const entries = async (period: string) =>
    Number(
      (
        await db.query<{ n: string }>(`SELECT count(*) AS n FROM coop_journal_entries WHERE key = $1`, [
          `close:${period}`,
        ])
      ).rows[0].n,
    );

  beforeAll(async () => {
    // Its own database: 100,000 seeded events and a close killed mid-transaction stay out of the
    // run's shared database (later closes would publish them; the killed backend may hold locks).
    database = await freshDatabase();
    db = new Client({ connectionString: database.url });
    await db.connect();
    dataDir = mkdtempSync(join(tmpdir(), 'guildhall-coop-crash-'));
    port = await freePort();
    const { LOG_LEVEL: _silent, ...base } = testEnv({
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      PORT: String(port),
    });
    env = cleanEnv(base);
  });

  afterAll(async () => {
    await db.end();
    rmSync(dataDir, { recursive: true, force: true });
    await database.drop();
  });

  it('leaves the ledger untouched, and a close after restart posts the period whole', async () => {
    let server = await serve();
    const signed = await gql(SIGN_UP, {
      input: { username: uniqueName(), email: `${uniqueName()}@example.org`, password: 'correct horse battery staple' },
    });
    const { token, account } = signed.data?.signUp as { token: string; account: { id: string } };
    await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [account.id]);
    // Close what is open so the period under test holds only what is seeded below.
    expect((await gql('mutation { closePeriod { result } }', {}, token)).errors).toBeUndefined();
    // Unique to this test: uniqueName()'s leading characters are shared by every name of the jest process.
    const prefix = `crash${randomBytes(4).toString('hex')}x`;
    await db.query(`INSERT INTO accounts (username) SELECT $1 || i FROM generate_series(1, $2::int) i`, [
      prefix,
      MEMBERS,
    ]);
    await db.query(
      `INSERT INTO coop_members (account_id, status, joined_at)
       SELECT id, 'active', now() - interval '60 days' FROM accounts WHERE username LIKE $1 || '%'`,
      [prefix],
    );
    await db.query(
      `INSERT INTO coop_events (id, type, member_id, object, snapshot_json)
       SELECT $1 || ':published:' || g, 'PUBLISHED', m.account_id, 'post-' || g,
              json_build_object('id', $1 || ':published:' || g, 'type', 'PUBLISHED', 'member', m.username,
                                'object', 'post-' || g)::text
         FROM generate_series(0, $2::int - 1) g
         JOIN (SELECT c.account_id, a.username, row_number() OVER (ORDER BY c.account_id) - 1 AS idx
                 FROM coop_members c JOIN accounts a ON a.id = c.account_id
                WHERE c.status = 'active' AND a.username LIKE $1 || '%') m ON m.idx = g % $3`,
      [prefix, EVENTS, MEMBERS],
    );
    await db.query(`INSERT INTO coop_payments (id, kind, amount_cents) VALUES ($1, 'revenue', 9000000)`, [
      `${prefix}:pay`,
    ]);
    const { rows } = await db.query<{ id: string }>(`SELECT id FROM coop_periods WHERE status = 'open'`);
    const period = rows[0].id;

    void gql('mutation { closePeriod { result } }', {}, token).catch(() => undefined);
    // The close holds the recording lock from its first statement to its commit: kill it inside.
    await until(async () => {
      const held = await db.query(
        `SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
          WHERE c.relname = 'coop_events' AND l.mode = 'ShareLock' AND l.granted`,
      );
      return held.rowCount ? true : undefined;
    }, 'the close to start');
    server.child.kill('SIGKILL');
    await new Promise((resolve) => server.child.once('exit', resolve));

    expect(await entries(period)).toBe(0);
    expect((await db.query(`SELECT status FROM coop_periods WHERE id = $1`, [period])).rows[0].status).toBe('open');

    server = await serve();
    try {
      const closed = await gql(`mutation($p: String) { closePeriod(period: $p) { result } }`, { p: period }, token);
      expect(closed.errors).toBeUndefined();
      expect(await entries(period)).toBe(2);
      const sums = await db.query<{ sum: string }>(
        `SELECT sum(p.amount)::text AS sum FROM coop_postings p JOIN coop_journal_entries e ON e.id = p.entry_id
          WHERE e.key = $1 GROUP BY e.id`,
        [`close:${period}`],
      );
      expect(sums.rows.map((r) => r.sum)).toEqual(['0', '0']);
      // Verify re-derives the published snapshot of 300,000 events and replays it: minutes on a busy host.
      const verified = await run(['dist/apps/cli/main.js', 'coop', 'verify'], env, 180_000);
      expect((JSON.parse(verified.stdout) as { ok: boolean }).ok).toBe(true);
      expect(verified.code).toBe(0);
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((resolve) => server.child.once('exit', resolve));
    }
  }, 420_000);
});
