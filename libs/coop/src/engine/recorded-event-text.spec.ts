import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import fc from 'fast-check';
import { validSnapshot } from '../testing/snapshot.arbitrary';
import { canonicalJson } from './canonical-json';
import { ownString, readRecordedEvents, RecordedEvents } from './recorded-event-text';
import { REVERSAL, type PeriodSnapshot, type SnapshotEvent } from './snapshot';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../test-fixtures', name), 'utf8')) as PeriodSnapshot;

const KEYS = ['actor', 'amount', 'id', 'member', 'object', 'reverses', 'type'];

/** The fields readRecordedEvents gives for the events it read, as objects (absent ones left out). */
function read(text: string): Record<string, unknown>[] | null {
  const into = new RecordedEvents();
  if (!readRecordedEvents(text, into)) return null;
  return Array.from({ length: into.count }, (_, i) =>
    Object.fromEntries(
      Object.entries({
        actor: into.actor[i],
        amount: into.amount[i],
        id: into.id[i],
        member: into.member[i],
        object: into.object[i],
        type: into.type[i],
      }).filter(([, value]) => value !== undefined),
    ),
  );
}

/** What the reader must give for `events` parsed from a text: their fields but `reverses`. */
const fieldsOf = (events: readonly object[]) =>
  events.map((event) => Object.fromEntries(Object.entries(event).filter(([key]) => key !== 'reverses')));

/**
 * Whether the reader must take `text`, judged without it: the text is the events' canonical JSON
 * joined by commas and each event is one it knows (see readRecordedEvents).
 */
function takes(text: string): boolean {
  let events: unknown;
  try {
    events = JSON.parse(`[${text}]`);
  } catch {
    return false;
  }
  if (!Array.isArray(events) || events.length === 0) return false;
  if (events.map((event) => canonicalJson(event)).join(',') !== text) return false;
  return events.every((event: unknown) => {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
    const fields = event as Record<string, unknown>;
    if (!Object.keys(fields).every((key) => KEYS.includes(key))) return false;
    if (typeof fields.id !== 'string' || typeof fields.type !== 'string') return false;
    if (fields.member === undefined && fields.type !== REVERSAL) return false;
    return Object.entries(fields).every(([key, value]) =>
      key === 'amount'
        ? Number.isSafeInteger(value)
        : typeof value === 'string' &&
          [...value].every((c) => c >= ' ' && c !== '"' && c !== '\\' && c.length === 1 && !/\p{Cs}/u.test(c)),
    );
  });
}

describe('readRecordedEvents', () => {
  it.each(['example-1', 'example-2', 'example-4'])("reads %s's events as JSON.parse does", (name) => {
    const { events } = fixture(`${name}.snapshot.json`);
    const text = events.map((event) => canonicalJson(event)).join(',');
    expect(read(text)).toEqual(fieldsOf(events));
    expect(read(text)).toHaveLength(events.length);
  });

  it('reads an event of every shape a close records, a refund and the largest amounts too', () => {
    const text = [
      '{"id":"published:p1","member":"ana","object":"post:p1","type":"PUBLISHED"}',
      '{"actor":"instance:a.example","id":"engaged:l1","member":"ana","object":"post:p1","type":"ENGAGED"}',
      '{"actor":"ben","id":"engaged:l2","member":"ana","object":"post:p1","type":"ENGAGED"}',
      '{"amount":-250,"id":"spent:r1","member":"ben","type":"SPENT"}',
      '{"amount":9007199254740991,"id":"spent:p2","member":"ben","type":"SPENT"}',
      '{"amount":0,"id":"spent:p3","member":"ben","type":"SPENT"}',
      '{"id":"reversal:engaged:l2","reverses":"engaged:l2","type":"REVERSAL"}',
      '{"id":"é\u2028\u007f\u{fffd}","member":"Ωmega","type":"WORKED"}',
    ].join(',');
    const into = new RecordedEvents();
    expect(readRecordedEvents(text, into)).toBe(true);
    expect(into.count).toBe(8);
    expect(into.id.slice(0, 8)).toEqual([
      'published:p1',
      'engaged:l1',
      'engaged:l2',
      'spent:r1',
      'spent:p2',
      'spent:p3',
      'reversal:engaged:l2',
      'é\u2028\u007f\u{fffd}',
    ]);
    expect(into.type.slice(0, 8)).toEqual([
      'PUBLISHED',
      'ENGAGED',
      'ENGAGED',
      'SPENT',
      'SPENT',
      'SPENT',
      REVERSAL,
      'WORKED',
    ]);
    expect(into.member.slice(0, 8)).toEqual(['ana', 'ana', 'ana', 'ben', 'ben', 'ben', undefined, 'Ωmega']);
    expect(into.actor.slice(0, 8)).toEqual([
      undefined,
      'instance:a.example',
      'ben',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(into.object.slice(0, 3)).toEqual(['post:p1', 'post:p1', 'post:p1']);
    expect(into.amount.slice(0, 8)).toEqual([
      undefined,
      undefined,
      undefined,
      -250,
      Number.MAX_SAFE_INTEGER,
      0,
      undefined,
      undefined,
    ]);
    // reused for the next chunk: count says how many entries are its
    expect(readRecordedEvents('{"id":"x","member":"m","type":"T"}', into)).toBe(true);
    expect([into.count, into.id[0], into.member[0], into.actor[0], into.amount[0]]).toEqual([
      1,
      'x',
      'm',
      undefined,
      undefined,
    ]);
  });

  it.each([
    ['empty', ''],
    ['a space after a colon', '{"id": "x","member":"m","type":"T"}'],
    ['a space between events', '{"id":"x","member":"m","type":"T"}, {"id":"y","member":"m","type":"T"}'],
    ['keys out of order', '{"member":"m","id":"x","type":"T"}'],
    ['a key twice', '{"id":"x","id":"y","member":"m","type":"T"}'],
    ['a key it does not know', '{"id":"x","member":"m","note":"n","type":"T"}'],
    ['a key that only starts like one', '{"idx":"x","member":"m","type":"T"}'],
    ['no id', '{"member":"m","type":"T"}'],
    ['no type', '{"id":"x","member":"m"}'],
    ['no member', '{"id":"x","type":"T"}'],
    ['an escaped quote', '{"id":"x\\"y","member":"m","type":"T"}'],
    ['an escape JSON.stringify would not write', '{"id":"\\u0065","member":"m","type":"T"}'],
    ['a raw control character', '{"id":"x\ty","member":"m","type":"T"}'],
    ['a lone surrogate', '{"id":"x\ud800","member":"m","type":"T"}'],
    ['an astral character (left to JSON.parse)', '{"id":"x\u{1F600}","member":"m","type":"T"}'],
    ['a null', '{"actor":null,"id":"x","member":"m","type":"T"}'],
    ['a number where a string goes', '{"id":7,"member":"m","type":"T"}'],
    ['a string amount', '{"amount":"5","id":"x","member":"m","type":"T"}'],
    ['a fractional amount', '{"amount":1.5,"id":"x","member":"m","type":"T"}'],
    ['an amount with an exponent', '{"amount":1e3,"id":"x","member":"m","type":"T"}'],
    ['minus zero', '{"amount":-0,"id":"x","member":"m","type":"T"}'],
    ['a leading zero', '{"amount":01,"id":"x","member":"m","type":"T"}'],
    ['an amount past 2^53', '{"amount":9007199254740993,"id":"x","member":"m","type":"T"}'],
    ['an amount of 17 digits', '{"amount":10000000000000000,"id":"x","member":"m","type":"T"}'],
    ['a trailing comma', '{"id":"x","member":"m","type":"T"},'],
    ['a comma inside', '{"id":"x","member":"m","type":"T",}'],
    ['an unclosed object', '{"id":"x","member":"m","type":"T"'],
    ['an unclosed string', '{"id":"x'],
    ['an array', '["x"]'],
    ['a nested object', '{"id":"x","member":{"a":1},"type":"T"}'],
  ])('does not take %s', (_case, text) => {
    expect(read(text)).toBeNull();
    expect(takes(text)).toBe(false);
  });

  it('takes exactly the canonical texts of events it knows, and reads what JSON.parse reads', () => {
    // A chunk of events written in one of the ways rows can be written: canonically, or not.
    const writers: Record<string, (event: object) => string> = {
      canonical: (event) => canonicalJson(event),
      stringified: (event) => JSON.stringify(event),
      spaced: (event) => canonicalJson(event).replace(/,"/g, ', "'),
      withNote: (event) => canonicalJson({ ...event, note: 'n' }),
      amountAsFloat: (event) => canonicalJson(event).replace(/"amount":(-?\d+)/, '"amount":$1.0'),
      escapedE: (event) => canonicalJson(event).replace(/e/g, '\\u0065'),
    };
    const odd = fc.record({
      id: fc.string({ maxLength: 6 }),
      type: fc.constantFrom('PUBLISHED', REVERSAL, 'T"', ''),
      member: fc.option(fc.string({ maxLength: 4 }), { nil: undefined }),
      amount: fc.option(
        fc.oneof(
          fc.integer(),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.constant(-0),
          fc.constant(2 ** 53 + 2),
        ),
        {
          nil: undefined,
        },
      ),
    });
    fc.assert(
      fc.property(
        fc.oneof(
          validSnapshot.map((snapshot) => snapshot.events as readonly object[]),
          fc.array(odd, { minLength: 1, maxLength: 4 }),
        ),
        fc.constantFrom(...Object.keys(writers)),
        (events, style) => {
          if (events.length === 0) return;
          const text = events.map((event) => writers[style](event)).join(',');
          const fields = read(text);
          expect(fields !== null).toBe(takes(text));
          if (fields !== null) expect(fields).toEqual(fieldsOf(JSON.parse(`[${text}]`) as SnapshotEvent[]));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('ownString', () => {
  it('gives the same string, not a slice that keeps a larger one alive', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heapAfter = (own: boolean) => {
      const kept: string[] = [];
      for (let chunk = 0; chunk < 8; chunk++) {
        const text = `${'x'.repeat(40)},`.repeat(250_000 + chunk); // ~10 MB each, a new string each time
        const field = text.slice(41, 81);
        kept.push(own ? ownString(field) : field);
      }
      gc();
      gc();
      return { kept, heap: process.memoryUsage().heapUsed };
    };
    const before = (gc(), process.memoryUsage().heapUsed);
    const owned = heapAfter(true);
    expect(owned.kept.every((field) => field === 'x'.repeat(40))).toBe(true);
    expect(owned.heap - before).toBeLessThan(30_000_000);
    owned.kept.length = 0;
    // the test's own control: slices do keep their chunks (~80 MB here)
    const sliced = heapAfter(false);
    expect(sliced.heap - before).toBeGreaterThan(60_000_000);
  });
});
