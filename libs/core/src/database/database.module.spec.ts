import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { POOL_OPTIONS } from './database.module';

describe('POOL_OPTIONS', () => {
  const name = `guildhall_pool_${randomBytes(4).toString('hex')}`;
  const application = `guildhall-pool-${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: process.env.TEST_DATABASE_ADMIN_URL });
  const url = Object.assign(new URL(process.env.TEST_DATABASE_ADMIN_URL!), { pathname: `/${name}` }).toString();
  let source: DataSource | undefined;

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  });
  afterAll(async () => {
    await source?.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  const open = async () =>
    Number(
      (
        await admin.query<{ n: string }>(
          'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
          [name, application],
        )
      ).rows[0].n,
    );

  it('keeps `min` connections open once they sat idle past the idle timeout, and closes those above it', async () => {
    // The module's settings with a short idle timeout, so that the test need not wait 10 s.
    source = await new DataSource({
      type: 'postgres',
      url,
      extra: { ...POOL_OPTIONS, idleTimeoutMillis: 200, application_name: application },
    }).initialize();
    // More reads side by side than `min`: the pool opens a connection for each.
    const parallel = 12;
    const reads = Promise.all(Array.from({ length: parallel }, () => source!.query('SELECT pg_sleep(1)')));
    await sleep(500);
    expect(await open()).toBe(parallel);
    await reads;
    await sleep(1_000);
    // Eight: a post's outbound job reads about that many things side by side (ADR 0061).
    expect(await open()).toBe(8);
  });
});
