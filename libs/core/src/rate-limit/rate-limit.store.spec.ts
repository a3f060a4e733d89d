import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { scratchDatabase, type ScratchDatabase } from '../../../../test/utils/scratch-database';
import { RateLimitBucketEntity } from './rate-limit-bucket.entity';
import { PostgresRateLimitStore, RedisRateLimitStore, type RateLimitStore } from './rate-limit.store';

// Integration: the real PostgreSQL (a migrated database of the spec's own) and Redis.
describe.each(['PostgreSQL', 'Redis'])('%s rate-limit store', (backend) => {
  let store: RateLimitStore;
  let scratch: ScratchDatabase | undefined;

  beforeAll(async () => {
    if (backend === 'Redis') {
      store = new RedisRateLimitStore(new Redis(process.env.TEST_REDIS_URL!), `${process.env.TEST_QUEUE_PREFIX}-store`);
      return;
    }
    // Its own migrated database: creating rate_limit_bucket in the run's shared one before the
    // first app migrates it made every later suite fail ("relation already exists").
    scratch = await scratchDatabase('ratelimit', { entities: [RateLimitBucketEntity] });
    store = new PostgresRateLimitStore(scratch.dataSource);
  });
  afterAll(async () => {
    await store.close();
    await scratch?.drop();
  });

  const key = () => `spec:${randomBytes(6).toString('hex')}`;

  it('counts hits in a window and reports the time left', async () => {
    const k = key();
    expect((await store.peek(k)).hits).toBe(0);
    const first = await store.increment(k, 60);
    const second = await store.increment(k, 60);
    expect([first.hits, second.hits]).toEqual([1, 2]);
    expect(second.resetInSeconds).toBeGreaterThan(55);
    expect(second.resetInSeconds).toBeLessThanOrEqual(60);
    expect((await store.peek(k)).hits).toBe(2);
  });

  it('counts exactly under concurrency', async () => {
    const k = key();
    const results = await Promise.all(Array.from({ length: 25 }, () => store.increment(k, 60)));
    expect(results.map((r) => r.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('starts a new window once the old one ends, and resets on demand', async () => {
    const k = key();
    await store.increment(k, 1);
    await store.increment(k, 1);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await store.increment(k, 1)).hits).toBe(1);
    await store.reset(k);
    expect((await store.peek(k)).hits).toBe(0);
  });
});
