import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { CanonicalArrayHash, canonicalHash } from '../engine/canonical-json';
import { REVERSAL, type PeriodSnapshot, type ReversalEvent, type SnapshotEvent } from '../engine/snapshot';
import { validSnapshot } from '../testing/snapshot.arbitrary';
import { events, snapshot } from '../testing/snapshot.factory';
import { publish, SnapshotPublisher } from './published-snapshot';

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
 * the publisher, the reversed ids known beforehand.
 */
function streamedPublish(internal: PeriodSnapshot, sizes: readonly number[]) {
  const reversed = new Set(
    internal.events.flatMap((event) => (event.type === REVERSAL ? [(event as ReversalEvent).reverses] : [])),
  );
  const { events: all, ...head } = internal;
  const publisher = new SnapshotPublisher(head, KEY, reversed);
  const hash = new CanonicalArrayHash(head, 'events');
  let at = 0;
  for (let s = 0; at < all.length; s++) {
    const chunk: SnapshotEvent[] = all.slice(at, at + Math.max(1, sizes[s % sizes.length] ?? all.length));
    hash.add(chunk);
    publisher.add(chunk);
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
});
