import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { InvalidSnapshotError } from '../coop.exception';
import { validSnapshot } from '../testing/snapshot.arbitrary';
import { member, snapshot } from '../testing/snapshot.factory';
import { SnapshotPublisher, type PublishedHead } from '../transparency/published-snapshot';
import { canonicalHash, canonicalJson } from './canonical-json';
import { canonicalPartBuffers, canonicalParts } from './canonical-parts';
import { allocateColumns, allocateSnapshot, closePeriod } from './close-period';
import { eventObjects, EventColumnsJson, NONE, type EventColumns } from './event-columns';
import { REVERSAL, type Allocation, type ContributionEvent, type PeriodSnapshot, type ReversalEvent } from './snapshot';
import { inspectColumns, inspectSnapshot } from './validate-snapshot';

const KEY = 'd'.repeat(64);
const fixture = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../test-fixtures', name), 'utf8')) as PeriodSnapshot;

/** What a close publishes of `internal` (each id once): the head and the columns. */
function published(internal: PeriodSnapshot): { head: PublishedHead; columns: EventColumns } {
  const seen = new Set<string>();
  const unique = internal.events.filter((event) => !seen.has(event.id) && seen.add(event.id));
  const reversed = new Set(
    unique.flatMap((event) => (event.type === REVERSAL ? [(event as ReversalEvent).reverses] : [])),
  );
  const { events: _events, ...head } = internal;
  const publisher = new SnapshotPublisher(head, KEY, reversed);
  publisher.add(unique);
  return publisher.finishColumns(canonicalHash({ ...internal, events: unique }));
}

/** The document the columns stand for. */
const documentOf = (head: Omit<PeriodSnapshot, 'events'>, columns: EventColumns): PeriodSnapshot => ({
  ...head,
  events: eventObjects(columns),
});

/** Columns holding `events` as they are (ids padded to one width with `~`, which sorts last). */
function columnsOf(events: readonly Partial<ContributionEvent>[], idBytes = 8): EventColumns {
  const strings: string[] = [];
  const codes = new Map<string, number>();
  const code = (text: string | undefined): number => {
    if (text === undefined) return NONE;
    let c = codes.get(text);
    if (c === undefined) codes.set(text, (c = strings.push(text) - 1));
    return c;
  };
  const count = events.length;
  const columns = {
    count,
    idBytes,
    ids: Buffer.alloc(count * idBytes),
    type: new Int32Array(count),
    member: new Int32Array(count),
    actor: new Int32Array(count),
    object: new Int32Array(count),
    amount: new Float64Array(count),
    strings,
  };
  events.forEach((event, i) => {
    columns.ids.write(event.id!.padEnd(idBytes, '~'), i * idBytes, 'latin1');
    columns.type[i] = code(event.type);
    columns.member[i] = code(event.member);
    columns.actor[i] = code(event.actor);
    columns.object[i] = code(event.object);
    columns.amount[i] = event.amount ?? NaN;
  });
  return columns;
}

/** What the engine gives the document: its allocation, or the problems it refuses it with. */
function outcome(run: () => Allocation): Allocation | { problems: unknown } {
  try {
    return run();
  } catch (error) {
    if (error instanceof InvalidSnapshotError) return { problems: error.problems };
    throw error;
  }
}

describe('a snapshot whose events are columns (ADR 0073)', () => {
  it.each(['example-1', 'example-2', 'example-4'])(
    'gives %s’s pinned result: the same allocation and, from the columns’ text, the same hashes',
    (name) => {
      const { head, columns } = published(fixture(`${name}.snapshot.json`));
      const document = documentOf(head, columns);
      const text = canonicalJson({ ...head, events: new EventColumnsJson(columns) });
      expect(text).toBe(canonicalJson(document));
      expect(inspectColumns(head, columns)).not.toBeNull();
      const allocation = allocateColumns(head, columns);
      expect(allocation).toEqual(allocateSnapshot(document));
      expect(closePeriod(document).outputHash).toBe(closePeriod(JSON.parse(text) as PeriodSnapshot).outputHash);
    },
  );

  it('writes, indexes and allocates random published snapshots exactly as their documents', () => {
    fc.assert(
      fc.property(validSnapshot, fc.integer({ min: 1, max: 400 }), (internal, partChars) => {
        const { head, columns } = published(internal);
        const document = documentOf(head, columns);
        const own = { ...head, events: new EventColumnsJson(columns) };
        expect(canonicalJson(own)).toBe(canonicalJson(document));
        expect(canonicalHash(own)).toBe(canonicalHash(document));
        expect([...canonicalParts(own, partChars)].join('')).toBe(canonicalJson(document));
        expect(Buffer.concat([...canonicalPartBuffers(own, partChars)]).toString('utf8')).toBe(canonicalJson(document));
        // Never the fallback for what a close publishes: the columns are indexed as the document is.
        const index = inspectColumns(head, columns);
        const expected = inspectSnapshot(document);
        expect(expected.problems).toEqual([]);
        expect(index).not.toBeNull();
        expect(index!.typeNames).toEqual(expected.index.typeNames);
        expect(index!.instanceHosts).toEqual(expected.index.instanceHosts);
        expect([...index!.eventType]).toEqual([...expected.index.eventType]);
        expect([...index!.eventMember]).toEqual([...expected.index.eventMember]);
        expect([...index!.eventActor]).toEqual([...expected.index.eventActor]);
        expect(allocateColumns(head, columns)).toEqual(allocateSnapshot(document));
      }),
      { numRuns: 300 },
    );
  });

  it('writes strings that need escapes, non-ASCII and astral characters as canonicalJson does', () => {
    const odd = [
      'q"uote',
      'back\\slash',
      'tab\tnew\nline',
      '\u0000\u001f\u007f',
      'é Ωmega',
      '\u{1F600}',
      '\u2028',
      '\ud800',
    ];
    const columns = columnsOf(
      odd.map((text, i) => ({
        id: `e-${i}`,
        type: text,
        member: odd[(i + 1) % odd.length],
        actor: i % 2 === 0 ? odd[(i + 2) % odd.length] : undefined,
        object: i % 3 === 0 ? undefined : odd[(i + 3) % odd.length],
        amount: i % 4 === 0 ? [0, -0, 2 ** 53 - 1, -12][i / 4] : undefined,
      })),
    );
    const json = new EventColumnsJson(columns);
    expect(canonicalJson(json)).toBe(canonicalJson(eventObjects(columns)));
    expect(Buffer.concat([...canonicalPartBuffers({ events: json }, 16)]).toString('utf8')).toBe(
      canonicalJson({ events: eventObjects(columns) }),
    );
    expect(json.text(1, 3)).toBe(canonicalJson(eventObjects(columns).slice(1, 3)).slice(1, -1));
    expect(canonicalJson({ events: new EventColumnsJson(columnsOf([])) })).toBe('{"events":[]}');
  });

  it('refuses to write an amount JSON cannot carry', () => {
    const columns = columnsOf([{ id: 'e-1', type: 'WORKED', member: 'ana', amount: Infinity }]);
    expect(() => canonicalJson(new EventColumnsJson(columns))).toThrow('Infinity is not a JSON number');
  });

  describe('anything the document path would report or count as a redelivery is left to it', () => {
    const head = (overrides: Partial<PeriodSnapshot> = {}) => {
      const { events: _events, ...rest } = snapshot({ members: [member('ana'), member('ben')], ...overrides });
      return rest;
    };
    const valid: Partial<ContributionEvent>[] = [
      { id: 'e-1', type: 'PUBLISHED', member: 'ana' },
      { id: 'e-2', type: 'ENGAGED', member: 'ana', actor: 'ben', object: 'o-1' },
      { id: 'e-3', type: 'WORKED', member: 'ben', amount: 40 },
    ];
    const flawed: [string, Partial<ContributionEvent>[], Partial<PeriodSnapshot>][] = [
      ['an unknown type', [...valid, { id: 'e-4', type: 'DANCED', member: 'ana' }], {}],
      ['a REVERSAL', [...valid, { id: 'e-4', type: REVERSAL, member: 'ana' }], {}],
      ['an empty type', [...valid, { id: 'e-4', type: '', member: 'ana' }], {}],
      ['an unknown member', [...valid, { id: 'e-4', type: 'PUBLISHED', member: 'zed' }], {}],
      ['an empty member', [...valid, { id: 'e-4', type: 'PUBLISHED', member: '' }], {}],
      ['an unknown actor', [...valid, { id: 'e-4', type: 'ENGAGED', member: 'ana', actor: 'zed', object: 'o' }], {}],
      [
        'an instance actor without a host',
        [...valid, { id: 'e-4', type: 'ENGAGED', member: 'ana', actor: 'instance:', object: 'o' }],
        {},
      ],
      ['a budget event without an actor', [...valid, { id: 'e-4', type: 'ENGAGED', member: 'ana', object: 'o' }], {}],
      ['a budget event without an object', [...valid, { id: 'e-4', type: 'ENGAGED', member: 'ana', actor: 'ben' }], {}],
      ['an empty object', [...valid, { id: 'e-4', type: 'PUBLISHED', member: 'ana', object: '' }], {}],
      ['an amount event without an amount', [...valid, { id: 'e-4', type: 'WORKED', member: 'ana' }], {}],
      ['a fractional amount', [...valid, { id: 'e-4', type: 'WORKED', member: 'ana', amount: 1.5 }], {}],
      ['an amount past 2^53', [...valid, { id: 'e-4', type: 'WORKED', member: 'ana', amount: 2 ** 53 }], {}],
      ['ids out of order', [valid[1], valid[0], valid[2]], {}],
      ['one id twice, different events', [...valid, { id: 'e-3', type: 'WORKED', member: 'ben', amount: 41 }], {}],
      [
        'one id twice, the same event (a redelivery)',
        [...valid, { id: 'e-3', type: 'WORKED', member: 'ben', amount: 40 }],
        {},
      ],
      ['a problem beside the events', valid, { format: 'nope' as PeriodSnapshot['format'] }],
      ['an unknown member, members not an array', valid, { members: {} as PeriodSnapshot['members'] }],
    ];
    it.each(flawed)('%s', (name, events, overrides) => {
      const rest = head(overrides);
      const columns = columnsOf(events);
      expect(inspectColumns(rest, columns)).toBeNull();
      const document = documentOf(rest, columns);
      const expected = outcome(() => allocateSnapshot(document));
      expect(outcome(() => allocateColumns(rest, columns))).toEqual(expected);
      // Two are valid documents: the engine allocates them (a redelivery counts once; order is free).
      if (name === 'ids out of order' || name.includes('redelivery')) expect(expected).toHaveProperty('members');
      else expect(expected).toHaveProperty('problems');
    });

    it('and indexes the same events, valid, itself', () => {
      const rest = head();
      const columns = columnsOf(valid);
      expect(inspectColumns(rest, columns)).not.toBeNull();
      expect(allocateColumns(rest, columns)).toEqual(allocateSnapshot(documentOf(rest, columns)));
      expect(allocateColumns(rest, columns).members.map((m) => m.id)).toEqual(['ana', 'ben']);
      // A head that has events of its own is not one.
      expect(inspectColumns({ ...rest, events: [] }, columns)).toBeNull();
    });
  });
});
