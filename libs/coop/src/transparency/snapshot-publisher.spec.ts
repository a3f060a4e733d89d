import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { CanonicalArrayHash, canonicalHash, canonicalJson } from '../engine/canonical-json';
import {
  EQUITY_POOL,
  INSTANCE_ACTOR_PREFIX,
  REVERSAL,
  type ContributionEvent,
  type PeriodSnapshot,
  type ReversalEvent,
  type SnapshotEvent,
} from '../engine/snapshot';
import { validSnapshot } from '../testing/snapshot.arbitrary';
import { events, snapshot } from '../testing/snapshot.factory';
import { publish, SnapshotPublisher } from './published-snapshot';
import { RecordedChunks } from './recorded-chunks';

const KEY = 'b'.repeat(64);
const fixture = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../test-fixtures', name), 'utf8')) as PeriodSnapshot;

/** `internal` with each event id once (first wins), as the database holds events. */
function unique(internal: PeriodSnapshot): PeriodSnapshot {
  const seen = new Set<string>();
  return { ...internal, events: internal.events.filter((event) => !seen.has(event.id) && seen.add(event.id)) };
}

/**
 * What a close does: the events (each id once) in chunks of `sizes` into the internal hash and
 * the publisher, the reversed ids known beforehand; with `asText`, each chunk as the events'
 * texts joined by commas (as a close reads coop_events) through RecordedChunks.
 */
function streamedPublish(internal: PeriodSnapshot, sizes: readonly number[], asText?: (event: object) => string) {
  const reversed = new Set(
    internal.events.flatMap((event) => (event.type === REVERSAL ? [(event as ReversalEvent).reverses] : [])),
  );
  const { events: all, ...head } = internal;
  const publisher = new SnapshotPublisher(head, KEY, reversed);
  const hash = new CanonicalArrayHash(head, 'events');
  const chunks = new RecordedChunks(hash, publisher);
  let at = 0;
  for (let s = 0; at < all.length; s++) {
    const chunk: SnapshotEvent[] = all.slice(at, at + Math.max(1, sizes[s % sizes.length] ?? all.length));
    if (asText) {
      chunks.add(chunk.map(asText).join(','), chunk.length);
    } else {
      hash.add(chunk);
      publisher.add(chunk);
    }
    at += chunk.length;
  }
  return { published: publisher.finish(hash.digest()), recorded: publisher.recorded };
}

describe('SnapshotPublisher (a close, streamed)', () => {
  it.each(['example-1', 'example-2', 'example-4'])('publishes %s byte for byte as publish()', (name) => {
    const internal = unique(fixture(`${name}.snapshot.json`));
    const whole = publish(internal, KEY);
    for (const sizes of [[], [1], [3, 1]]) {
      const { published, recorded } = streamedPublish(internal, sizes);
      expect(canonicalHash(published.snapshot)).toBe(canonicalHash(whole.snapshot));
      expect(published.snapshot.internalInputHash).toBe(canonicalHash(internal));
      expect([...published.pseudonyms].sort()).toEqual([...whole.pseudonyms].sort());
      expect(recorded).toBe(internal.events.length);
    }
  });

  it('publishes random snapshots (reversals, redeliveries, payments, remote actors) as publish()', () => {
    fc.assert(
      fc.property(validSnapshot, fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 4 }), (input, sizes) => {
        const internal = unique(input);
        const whole = publish(internal, KEY);
        const { published } = streamedPublish(internal, sizes);
        expect(canonicalHash(published.snapshot)).toBe(canonicalHash(whole.snapshot));
        expect(published.snapshot.internalInputHash).toBe(whole.snapshot.internalInputHash);
      }),
      { numRuns: 200 },
    );
  });

  it('publishes random snapshots read as text, canonical or not, exactly as from the events', () => {
    // How rows may be written: as the recorder writes them (read as columns), or otherwise (parsed).
    const writers: ((event: object) => string)[] = [
      (event) => canonicalJson(event),
      (event) => JSON.stringify(Object.fromEntries(Object.entries(event).reverse())),
      (event) => JSON.stringify(JSON.parse(canonicalJson(event)), null, ' '),
    ];
    const read = jest.spyOn(SnapshotPublisher.prototype, 'addRecorded');
    fc.assert(
      fc.property(
        validSnapshot,
        fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 4 }),
        fc.array(fc.nat(writers.length - 1), { minLength: 1, maxLength: 4 }),
        (input, sizes, styles) => {
          const internal = unique(input);
          const { published, recorded } = streamedPublish(internal, sizes);
          let n = 0;
          const asText = (event: object) => writers[styles[n++ % styles.length]](event);
          const fromText = streamedPublish(internal, sizes, asText);
          expect(JSON.stringify(fromText.published.snapshot)).toBe(JSON.stringify(published.snapshot));
          expect([...fromText.published.pseudonyms]).toEqual([...published.pseudonyms]);
          expect(fromText.recorded).toBe(recorded);
        },
      ),
      { numRuns: 300 },
    );
    // the columns path ran, not only the parsing one
    expect(read.mock.calls.length).toBeGreaterThan(30);
    read.mockRestore();
  });

  it('reads the examples as text through the columns, byte for byte as publish()', () => {
    for (const name of ['example-1', 'example-2', 'example-4']) {
      const internal = unique(fixture(`${name}.snapshot.json`));
      const whole = publish(internal, KEY).snapshot;
      const spy = jest.spyOn(SnapshotPublisher.prototype, 'add');
      try {
        const { published } = streamedPublish(internal, [2, 5], (event) => canonicalJson(event));
        expect(spy).not.toHaveBeenCalled();
        expect(canonicalHash(published.snapshot)).toBe(canonicalHash(whole));
        expect(published.snapshot.internalInputHash).toBe(canonicalHash(internal));
      } finally {
        spy.mockRestore();
      }
    }
  });

  it('gives the same whether told how many events to expect or not, past the columns growing', () => {
    // 10,000 events: the columns grow from 4,096 twice, or are sized once; sorted in place either way.
    const internal = snapshot({
      events: Array.from({ length: 10_000 }, (_, i): SnapshotEvent => {
        const member = ['ana', 'ben', 'cy'][i % 3];
        if (i % 10 === 9) return { id: `r${i}`, type: REVERSAL, reverses: `p${i - 9}` };
        if (i % 10 === 8) return { id: `w${i}`, type: 'WORKED', member, amount: i };
        if (i % 10 >= 5) return { id: `l${i}`, type: 'ENGAGED', member, actor: 'ana', object: `o${i % 700}` };
        return { id: `p${i}`, type: 'PUBLISHED', member, object: `o${i}` };
      }),
    });
    const { events: all, ...head } = internal;
    const reversed = new Set(all.flatMap((e) => (e.type === REVERSAL ? [(e as ReversalEvent).reverses] : [])));
    const expected = JSON.stringify(plainPublish(internal, KEY));
    for (const expect_ of [0, 1, 4096, 8_000, 10_000, 50_000]) {
      const publisher = new SnapshotPublisher(head, KEY, reversed, expect_);
      for (let at = 0; at < all.length; at += 3_000) publisher.add(all.slice(at, at + 3_000));
      const { snapshot: published } = publisher.finish(canonicalHash(internal));
      expect([expect_, published.events.length]).toEqual([expect_, 8_000 - 1_000 + 3]);
      expect(JSON.stringify(published)).toBe(expected);
    }
  });

  it('publishes events of many types, most unknown to the parameters, as the plain implementation', () => {
    // Past the types the publisher finds by comparison: the rest are looked up in a map.
    const internal = snapshot({
      events: Array.from({ length: 200 }, (_, i): SnapshotEvent => {
        const type =
          i % 3 === 0 ? ['PUBLISHED', 'WORKED', 'ENGAGED'][i % 9 === 0 ? 0 : i % 9 === 3 ? 1 : 2] : `T${i % 23}`;
        const member = ['ana', 'ben', 'cy'][i % 3];
        return {
          id: `x${i}`,
          type,
          member,
          actor: i % 2 ? 'ben' : undefined,
          object: `o${i % 7}`,
          amount: i % 5 ? i : undefined,
        };
      }),
    });
    const { events: all, ...head } = internal;
    const publisher = new SnapshotPublisher(head, KEY, new Set(['x5', 'x6']));
    publisher.add(all);
    expect(JSON.stringify(publisher.finish(canonicalHash(internal)).snapshot)).toBe(
      JSON.stringify(plainPublish({ ...internal, events: all }, KEY, new Set(['x5', 'x6']))),
    );
  });

  it('publishes malformed events (no id, type or member; numbers for strings) as the plain implementation', () => {
    // Rows written by hand: the document path reads them; the engine, not the publisher, refuses them.
    const odd = [
      { type: 'PUBLISHED', member: 'ana', object: 'o1' },
      { id: 'n1', member: 'ana' },
      { id: 'n2', type: 'PUBLISHED' },
      { id: 7, type: 'PUBLISHED', member: 7, object: 7 },
      { id: 'n3', type: 'WORKED', member: 'ben', amount: 5 },
      { id: 'n4', type: 'WORKED' },
    ] as unknown as SnapshotEvent[];
    const internal = snapshot({ events: odd });
    const { events: all, ...head } = internal;
    const publisher = new SnapshotPublisher(head, KEY, new Set(['7']));
    publisher.add(all);
    expect(JSON.stringify(publisher.finish(canonicalHash(internal)).snapshot)).toBe(
      JSON.stringify(plainPublish(internal, KEY, new Set(['7']))),
    );
  });

  it('drops a reversed event that came in an earlier chunk than its reversal, and the reversal', () => {
    const internal = snapshot({
      events: events(
        { id: 'p1', member: 'ana' },
        { id: 'p2', member: 'ana' },
        { id: 'r1', type: REVERSAL, reverses: 'p1' },
      ),
    });
    const { published, recorded } = streamedPublish(internal, [1]);
    expect(recorded).toBe(3);
    expect(published.snapshot.events).toHaveLength(1);
    expect(canonicalHash(published.snapshot)).toBe(canonicalHash(publish(internal, KEY).snapshot));
  });

  it('writes random snapshots byte for byte as the plain implementation before ADR 0065 did', () => {
    fc.assert(
      fc.property(validSnapshot, fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 4 }), (input, sizes) => {
        const internal = unique(input);
        const { published } = streamedPublish(internal, sizes);
        expect(JSON.stringify(published.snapshot)).toBe(JSON.stringify(plainPublish(internal, KEY)));
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * The publication as it was written before ADR 0065 (one object per event as it comes, names as
 * hex slices, a comparison sort), for an internal snapshot whose ids are each there once: what the
 * streamed publisher must still give, byte for byte.
 */
function plainPublish(
  internal: PeriodSnapshot,
  key: string,
  alsoReversed: ReadonlySet<string> = new Set(),
): PeriodSnapshot & { internalInputHash: string } {
  const name = (kind: string, value: string) =>
    createHash('sha256').update(`${key}:${kind}:${value}`, 'utf8').digest('hex').slice(0, 24);
  const member = (username: string) => `m-${name('member', username)}`;
  const { parameters } = internal;
  const federated = new Set(parameters.federatedInstances ?? []);
  const reversed = new Set([
    ...alsoReversed,
    ...internal.events.flatMap((e) => (e.type === REVERSAL ? [(e as ReversalEvent).reverses] : [])),
  ]);
  const named = new Set<string>();
  const events: ContributionEvent[] = [];
  const sums = new Map<string, { type: string; member: string; amount: number }>();
  for (const event of internal.events as ContributionEvent[]) {
    if (event.type === REVERSAL || reversed.has(event.id)) continue;
    if (parameters.contributionTypes[event.type]?.rule === 'amount') {
      const sum = sums.get(`${event.type}\u0000${event.member}`) ?? {
        type: event.type,
        member: event.member,
        amount: 0,
      };
      sum.amount += event.amount ?? 0;
      sums.set(`${event.type}\u0000${event.member}`, sum);
      named.add(event.member);
      continue;
    }
    let actor: string | undefined;
    if (event.actor !== undefined) {
      if (event.actor.startsWith(INSTANCE_ACTOR_PREFIX)) {
        if (!federated.has(event.actor.slice(INSTANCE_ACTOR_PREFIX.length))) continue;
        actor = event.actor;
      } else {
        named.add(event.actor);
        actor = member(event.actor);
      }
    }
    named.add(event.member);
    const published: { -readonly [K in keyof ContributionEvent]: ContributionEvent[K] } = {
      id: `e-${name('event', event.id)}`,
      type: event.type,
      member: member(event.member),
    };
    if (actor !== undefined) published.actor = actor;
    if (event.object !== undefined) published.object = `o-${name('object', event.object)}`;
    if (event.amount !== undefined) published.amount = event.amount;
    events.push(published);
  }
  for (const sum of sums.values()) {
    const id = `e-${name('sum', `${sum.type}:${sum.member}`)}`;
    events.push({ id, type: sum.type, member: member(sum.member), amount: sum.amount });
  }
  const equity = EQUITY_POOL in parameters.pools;
  const boundary = Date.parse(internal.period.end) - parameters.minMemberAgeDays * 86_400_000;
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    format: internal.format,
    period: internal.period,
    parameters,
    opening: internal.opening,
    money: internal.money,
    members: internal.members
      .filter((m) => named.has(m.id) || (equity && m.status === 'active' && m.vestedUnits > 0))
      .map((m) => ({
        id: member(m.id),
        joinedAt: new Date(Date.parse(m.joinedAt) <= boundary ? boundary : boundary + 1).toISOString(),
        status: m.status,
        vestedUnits: equity ? m.vestedUnits : 0,
      }))
      .sort(byId),
    events: events.sort(byId),
    internalInputHash: canonicalHash(internal),
  };
}
