import type { Pool } from 'pg';
import { createSharedPostgresBackendFactory } from './shared-postgres-backend';

// A pg pool connects only on first use: nothing here reaches a database.
const connection = { connectionString: 'postgres://nobody@127.0.0.1:1/nothing', schema: 'test_queues', max: 2 };

const poolOf = (backend: unknown) => (backend as { connection: { pool: Pool & { ended: boolean } } }).connection.pool;

describe('createSharedPostgresBackendFactory', () => {
  it('gives every Queue and Worker of one connection the same pool, closed with the last of them', async () => {
    const factory = createSharedPostgresBackendFactory();
    const queue = factory('a', { connection });
    const worker = factory('b', { connection }, { withBlockingConnection: true });
    const pool = poolOf(queue);
    expect(poolOf(worker)).toBe(pool);

    await queue.close();
    await queue.close(); // releasing twice releases once
    expect(pool.ended).toBe(false);
    await worker.close();
    expect(pool.ended).toBe(true);

    // A backend made afterwards opens a fresh connection.
    const later = factory('a', { connection });
    expect(poolOf(later)).not.toBe(pool);
    await later.close();
  });

  it('keeps distinct connection options apart', async () => {
    const factory = createSharedPostgresBackendFactory();
    const one = factory('a', { connection });
    const other = factory('a', { connection: { ...connection, schema: 'other_queues' } });
    expect(poolOf(other)).not.toBe(poolOf(one));
    await Promise.all([one.close(), other.close()]);
  });
});
