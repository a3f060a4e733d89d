import { RedisPubSub } from './redis-pub-sub';

/** Resolves with the next `count` payloads a handler receives. */
function collector(count: number) {
  const received: unknown[] = [];
  let done: (values: unknown[]) => void = () => undefined;
  const all = new Promise<unknown[]>((resolve) => (done = resolve));
  const handler = (payload: unknown) => {
    received.push(payload);
    if (received.length === count) done(received);
  };
  return { handler, all, received };
}

// Integration: the real Redis. Two engines stand for two processes (a worker and a server).
describe('RedisPubSub', () => {
  const prefix = `${process.env.TEST_QUEUE_PREFIX}-pubsub`;
  let worker: RedisPubSub;
  let server: RedisPubSub;

  beforeEach(() => {
    worker = new RedisPubSub(process.env.TEST_REDIS_URL!, prefix);
    server = new RedisPubSub(process.env.TEST_REDIS_URL!, prefix);
  });
  afterEach(async () => {
    await Promise.all([worker.onApplicationShutdown(), server.onApplicationShutdown()]);
  });

  it('delivers a message published by one process to the subscribers of another, as JSON', async () => {
    const first = collector(1);
    const second = collector(1);
    await server.subscribe('notifications:a', first.handler);
    await server.subscribe('notifications:a', second.handler);
    const at = new Date('2026-11-22T10:00:00.000Z');
    await worker.publish('notifications:a', { id: 'n1', at });
    expect(await first.all).toEqual([{ id: 'n1', at: '2026-11-22T10:00:00.000Z' }]);
    expect(await second.all).toEqual([{ id: 'n1', at: '2026-11-22T10:00:00.000Z' }]);
  });

  it('keeps channels apart and stops delivering once unsubscribed', async () => {
    const a = collector(1);
    const b = collector(1);
    const idA = await server.subscribe('notifications:a', a.handler);
    await server.subscribe('notifications:b', b.handler);
    await worker.publish('notifications:a', 'for a');
    await worker.publish('notifications:b', 'for b');
    // One subscriber connection receives in publish order: 'for a' has been dispatched too.
    expect(await b.all).toEqual(['for b']);
    expect(a.received).toEqual(['for a']);

    server.unsubscribe(idA);
    const later = collector(1);
    await server.subscribe('notifications:a', later.handler);
    await worker.publish('notifications:a', 'after');
    expect(await later.all).toEqual(['after']);
    expect(a.received).toEqual(['for a']);
  });

  it('does not cross into another prefix (another installation on the same Redis)', async () => {
    const other = new RedisPubSub(process.env.TEST_REDIS_URL!, `${prefix}-other`);
    try {
      const mine = collector(1);
      const theirs = collector(1);
      await server.subscribe('notifications:a', mine.handler);
      await other.subscribe('notifications:a', theirs.handler);
      await worker.publish('notifications:a', 'mine');
      expect(await mine.all).toEqual(['mine']);
      // Redis delivers to one connection in order: once this arrives, nothing else is on its way.
      const marker = collector(1);
      await other.subscribe('notifications:marker', marker.handler);
      await other.publish('notifications:marker', 'marker');
      expect(await marker.all).toEqual(['marker']);
      expect(theirs.received).toEqual([]);
    } finally {
      await other.onApplicationShutdown();
    }
  });
});
