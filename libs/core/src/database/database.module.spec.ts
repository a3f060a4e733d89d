import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { POOL_OPTIONS, SESSION_OPTIONS } from './database.module';
import { preparedStatement } from './prepared-statement';

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

describe('SESSION_OPTIONS', () => {
  let source: DataSource | undefined;
  afterAll(() => source?.destroy());

  it('runs a named prepared statement on its generic plan from the first execution', async () => {
    source = await new DataSource({
      type: 'postgres',
      url: process.env.TEST_DATABASE_ADMIN_URL,
      extra: { max: 1, options: SESSION_OPTIONS },
    }).initialize();
    const text = `SELECT count(*)::int AS n FROM pg_class WHERE relname = $1 AND relkind = $2 /* ${randomBytes(4).toString('hex')} */`;
    for (let i = 0; i < 3; i++) {
      expect(await source.query(preparedStatement(text, { constant: true }), ['pg_class', 'r'])).toEqual([{ n: 1 }]);
    }
    const [plans] = await source.query<{ generic_plans: string; custom_plans: string }[]>(
      'SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1',
      [text],
    );
    expect({ generic: Number(plans.generic_plans), custom: Number(plans.custom_plans) }).toEqual({
      generic: 3,
      custom: 0,
    });
    expect(await source.query('SHOW plan_cache_mode')).toEqual([{ plan_cache_mode: 'force_generic_plan' }]);
  });
});
