import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { scratchDatabase, type ScratchDatabase } from '../../../../test/utils/scratch-database';
import { DeliveryState } from './outbox-delivery.entity';
import { OutboxRepository } from './outbox.repository';

// Integration: the outbox's SQL on the run's PostgreSQL (ordering, per-subscriber state, leases,
// dead letters, SKIP LOCKED). Subscriber names are unique to each test, so no test claims another's rows.
describe('OutboxRepository (PostgreSQL)', () => {
  let dataSource: DataSource;
  let outbox: OutboxRepository;
  const LEASE_MS = 60_000;

  // A database of its own, migrated here (see scratchDatabase for why not the run's shared one).
  let scratch: ScratchDatabase;

  beforeAll(async () => {
    scratch = await scratchDatabase('outbox');
    dataSource = scratch.dataSource;
    outbox = new OutboxRepository(dataSource);
  });
  afterAll(() => scratch.drop());

  const names = () => {
    const tag = randomBytes(4).toString('hex');
    return { a: `spec-a-${tag}`, b: `spec-b-${tag}`, aggregate: (n: string) => `spec:${tag}:${n}` };
  };
  /** Writes one event in its own transaction, leased to `token` unless blocked. */
  const write = (aggregate: string, subscribers: string[], token = randomUUID(), leaseMs = LEASE_MS) =>
    dataSource.transaction((manager) =>
      outbox.insert(manager, {
        name: 'post.liked',
        aggregate,
        payload: { n: aggregate },
        occurredAt: new Date(),
        subscribers,
        token,
        leaseMs,
      }),
    );
  const fail = (
    eventId: string,
    subscriber: string,
    token: string,
    state: DeliveryState.Pending | DeliveryState.Dead = DeliveryState.Pending,
    attempts = 1,
  ) => outbox.markFailed({ eventId, subscriber, token, attempts, state, delayMs: 0, error: 'boom' });
  const claim = async (subscribers: string[], limit = 50) =>
    (await outbox.claim(subscribers, randomUUID(), LEASE_MS, limit)).map((c) => `${c.eventId}/${c.subscriber}`);

  it('writes many events and their deliveries at once, each event with its own subscribers, in order and leased unless blocked', async () => {
    const { a, b, aggregate } = names();
    // An undelivered earlier event of aggregate `x` for `a`, outside the batch: its delivery to `a` waits.
    const earlier = await write(aggregate('x'), [a]);
    expect(earlier.deliveries).toEqual([{ subscriber: a, leased: true }]);
    const token = randomUUID();
    const written = await dataSource.transaction((manager) =>
      outbox.insertMany(
        manager,
        [
          {
            name: 'post.liked',
            aggregate: aggregate('x'),
            payload: { n: 1 },
            occurredAt: new Date(),
            subscribers: [a, b],
          },
          {
            name: 'post.boosted',
            aggregate: aggregate('y'),
            payload: { n: 2 },
            occurredAt: new Date(),
            subscribers: [b],
          },
          { name: 'post.liked', aggregate: aggregate('z'), payload: { n: 3 }, occurredAt: new Date(), subscribers: [] },
        ],
        token,
        LEASE_MS,
      ),
    );
    expect(written.map((event) => event.deliveries)).toEqual([
      [
        { subscriber: a, leased: false },
        { subscriber: b, leased: true },
      ],
      [{ subscriber: b, leased: true }],
      [],
    ]);
    const ids = written.map((event) => BigInt(event.eventId));
    expect(ids[0] > BigInt(earlier.eventId) && ids[1] === ids[0] + 1n && ids[2] === ids[1] + 1n).toBe(true);
    const rows = await dataSource.query<{ id: string; name: string; aggregate: string; payload: object }[]>(
      'SELECT id::text, name, aggregate, payload FROM domain_events WHERE id = ANY($1::bigint[]) ORDER BY id',
      [written.map((event) => event.eventId)],
    );
    expect(rows).toEqual([
      { id: written[0].eventId, name: 'post.liked', aggregate: aggregate('x'), payload: { n: 1 } },
      { id: written[1].eventId, name: 'post.boosted', aggregate: aggregate('y'), payload: { n: 2 } },
      { id: written[2].eventId, name: 'post.liked', aggregate: aggregate('z'), payload: { n: 3 } },
    ]);
    const leases = await dataSource.query<{ event_id: string; subscriber: string; lease_token: string | null }[]>(
      `SELECT event_id::text, subscriber, lease_token::text FROM domain_event_deliveries
        WHERE event_id = ANY($1::bigint[]) ORDER BY event_id, subscriber`,
      [written.map((event) => event.eventId)],
    );
    expect(leases).toEqual([
      { event_id: written[0].eventId, subscriber: a, lease_token: null },
      { event_id: written[0].eventId, subscriber: b, lease_token: token },
      { event_id: written[1].eventId, subscriber: b, lease_token: token },
    ]);
  });

  it("writes another lib's rows and the events of those it wrote in one statement, none for a row it skipped", async () => {
    const { a, b, aggregate } = names();
    await dataSource.query('CREATE TABLE IF NOT EXISTS spec_rows (id uuid PRIMARY KEY, label text UNIQUE NOT NULL)');
    const [kept, skipped, fresh] = [randomUUID(), randomUUID(), randomUUID()];
    await dataSource.query('INSERT INTO spec_rows (id, label) VALUES ($1, $2)', [kept, `taken-${kept}`]);
    const token = randomUUID();
    // `skipped` collides with `kept`'s label: ON CONFLICT DO NOTHING writes neither it nor its event.
    const result = await outbox.insertWith(
      {
        sql: `INSERT INTO spec_rows (id, label) SELECT * FROM unnest($1::uuid[], $2::text[])
              ON CONFLICT DO NOTHING RETURNING *`,
        params: [
          [skipped, fresh],
          [`taken-${kept}`, `new-${fresh}`],
        ],
      },
      [
        {
          key: skipped,
          name: 'post.liked',
          aggregate: aggregate('s'),
          payload: { n: 1 },
          occurredAt: new Date(),
          subscribers: [a],
        },
        {
          key: fresh,
          name: 'post.liked',
          aggregate: aggregate('f'),
          payload: { n: 2 },
          occurredAt: new Date(),
          subscribers: [a, b],
        },
      ],
      token,
      LEASE_MS,
    );
    expect(result.rows).toEqual([{ id: fresh, label: `new-${fresh}` }]);
    expect(result.written).toEqual([
      {
        key: fresh,
        eventId: expect.any(String),
        deliveries: [
          { subscriber: a, leased: true },
          { subscriber: b, leased: true },
        ],
      },
    ]);
    const events = await dataSource.query<{ id: string; aggregate: string; payload: object }[]>(
      'SELECT id::text, aggregate, payload FROM domain_events WHERE aggregate = ANY($1::text[])',
      [[aggregate('s'), aggregate('f')]],
    );
    expect(events).toEqual([{ id: result.written[0].eventId, aggregate: aggregate('f'), payload: { n: 2 } }]);
    const leases = await dataSource.query<{ subscriber: string; lease_token: string | null }[]>(
      `SELECT subscriber, lease_token::text FROM domain_event_deliveries WHERE event_id = $1 ORDER BY subscriber`,
      [result.written[0].eventId],
    );
    expect(leases).toEqual([
      { subscriber: a, lease_token: token },
      { subscriber: b, lease_token: token },
    ]);
  });

  it('writes neither the rows nor their events when the statement fails', async () => {
    const { a, aggregate } = names();
    await dataSource.query('CREATE TABLE IF NOT EXISTS spec_rows (id uuid PRIMARY KEY, label text UNIQUE NOT NULL)');
    const id = randomUUID();
    // The second row repeats the first's id inside one INSERT: a unique violation fails the statement.
    await expect(
      outbox.insertWith(
        {
          sql: 'INSERT INTO spec_rows (id, label) SELECT * FROM unnest($1::uuid[], $2::text[]) RETURNING *',
          params: [
            [id, id],
            [`one-${id}`, `two-${id}`],
          ],
        },
        [
          {
            key: id,
            name: 'post.liked',
            aggregate: aggregate('x'),
            payload: {},
            occurredAt: new Date(),
            subscribers: [a],
          },
        ],
        randomUUID(),
        LEASE_MS,
      ),
    ).rejects.toThrow();
    const rows = await dataSource.query<unknown[]>('SELECT 1 FROM spec_rows WHERE id = $1', [id]);
    const events = await dataSource.query<unknown[]>('SELECT 1 FROM domain_events WHERE aggregate = $1', [
      aggregate('x'),
    ]);
    expect([rows.length, events.length]).toEqual([0, 0]);
  });

  it('keeps an aggregate in order per subscriber: a later event waits until the earlier one is delivered', async () => {
    const { a, aggregate } = names();
    const token = randomUUID();
    const like = await write(aggregate('pair'), [a], token);
    expect(like.deliveries).toEqual([{ subscriber: a, leased: true }]);
    await fail(like.eventId, a, token); // due again at once
    const unlike = await write(aggregate('pair'), [a]);
    expect(unlike.deliveries).toEqual([{ subscriber: a, leased: false }]);

    expect(await claim([a])).toEqual([`${like.eventId}/${a}`]);
    expect(await claim([a])).toEqual([]); // the like is leased now; the unlike still waits
    await outbox.markDone([{ eventId: like.eventId, subscriber: a }]);
    expect(await claim([a])).toEqual([`${unlike.eventId}/${a}`]);
  });

  it("keeps each subscriber's state apart: one failing neither re-runs nor blocks the other", async () => {
    const { a, b, aggregate } = names();
    const token = randomUUID();
    const event = await write(aggregate('post'), [a, b], token);
    await fail(event.eventId, a, token);
    await outbox.markDone([{ eventId: event.eventId, subscriber: b }]);
    const next = await write(aggregate('post'), [a, b]);
    expect(next.deliveries).toEqual([
      { subscriber: a, leased: false },
      { subscriber: b, leased: true },
    ]);
    expect(await claim([a, b])).toEqual([`${event.eventId}/${a}`]);
  });

  it('parks a dead delivery, blocks what follows it, lists it, and re-queues it on retry', async () => {
    const { a, aggregate } = names();
    const token = randomUUID();
    const first = await write(aggregate('x'), [a], token);
    await fail(first.eventId, a, token, DeliveryState.Dead, 3);
    const second = await write(aggregate('x'), [a]);
    expect(second.deliveries[0].leased).toBe(false);
    expect(await claim([a])).toEqual([]);
    expect(await outbox.nextDueMs([a])).toBeNull();

    const dead = (await outbox.list([DeliveryState.Dead], 10_000)).filter((d) => d.subscriber === a);
    expect(dead).toEqual([
      expect.objectContaining({ eventId: first.eventId, state: 'dead', attempts: 3, lastError: 'boom' }),
    ]);
    expect(await outbox.retryDead(first.eventId, null)).toEqual([{ eventId: first.eventId, subscriber: a }]);
    expect(await outbox.retryDead(first.eventId, null)).toEqual([]);
    expect(await claim([a])).toEqual([`${first.eventId}/${a}`]);
  });

  it('hands each due delivery to one claimer, and a leased one to nobody until its lease expires', async () => {
    const { a, aggregate } = names();
    const written = [];
    for (let i = 0; i < 12; i++) written.push(await write(aggregate(String(i)), [a], randomUUID(), 300));
    expect(await claim([a])).toEqual([]);
    await sleep(400);
    const [one, two] = await Promise.all([claim([a], 8), claim([a], 8)]);
    expect(one.filter((key) => two.includes(key))).toEqual([]);
    expect([...one, ...two].sort()).toEqual(written.map((w) => `${w.eventId}/${a}`).sort());
  });
});
