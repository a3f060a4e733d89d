import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * A database of its own for a suite that needs a fresh install or leaves state the run's shared
 * database must not keep (e.g. balances no later suite could record payments on). Pass `url` as
 * DATABASE_URL to createTestApp; `drop()` after the app closed.
 */
export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = new URL(process.env.TEST_DATABASE_ADMIN_URL!);
  const name = `guildhall_fresh_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: server.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  return {
    url: Object.assign(new URL(server), { pathname: `/${name}` }).toString(),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
