import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidSnapshotError } from '../coop.exception';
import { events, snapshot } from '../testing/snapshot.factory';
import { thrownProblems } from '../testing/thrown-problems';
import { canonicalHash } from './canonical-json';
import { closePeriod, replay } from './close-period';
import type { PeriodResult, PeriodSnapshot } from './snapshot';

const FIXTURES = join(__dirname, '..', '..', 'test-fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const examples = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.snapshot.json'))
  .map((name) => name.replace('.snapshot.json', ''))
  .sort();

describe('closePeriod', () => {
  it('has the published examples to check against', () => {
    expect(examples).toEqual(['example-1', 'example-2', 'example-4']);
  });

  it.each(examples)('reproduces %s to the cent and hash', (example) => {
    const input = JSON.parse(fixture(`${example}.snapshot.json`)) as PeriodSnapshot;
    const expected = JSON.parse(fixture(`${example}.result.json`)) as PeriodResult;
    expect(closePeriod(input)).toEqual(expected);
    expect(replay(fixture(`${example}.snapshot.json`))).toEqual(expected);
  });

  it('hashes the whole snapshot and the result without its outputHash', () => {
    const input = JSON.parse(fixture('example-1.snapshot.json')) as PeriodSnapshot;
    const result = closePeriod(input);
    expect(result.inputHash).toBe('7e6c49dcc08c3c4478604eb5152744d93284a0ed471b17cbd84fd901295b593b');
    const { outputHash, ...rest } = result;
    expect(canonicalHash(rest)).toBe(outputHash);
    expect(outputHash).toBe('cfc9538e5e41f71c3c7e730f69c3b3425ea7232999993be682a3cdba85e5d35e');
  });

  it('gives the same result, hashes included, every time', () => {
    const input = snapshot({ events: events({ member: 'ana' }, { member: 'ben' }, { member: 'ben' }) });
    const first = closePeriod(input);
    expect(closePeriod(structuredClone(input))).toEqual(first);
    expect(first).toMatchObject({
      format: 'guildhall.period-result/1',
      period: '2026-01',
      inputHash: canonicalHash(input),
      members: [
        { id: 'ana', byPool: { CREATOR: 23333 }, units: 333 },
        { id: 'ben', byPool: { CREATOR: 46667 }, units: 667 },
      ],
    });
  });

  it('rejects an invalid snapshot as a whole, with every problem', () => {
    const input = snapshot({
      parameters: { pools: { CREATOR: 9000 } },
      events: events({ member: 'zed' }, { type: 'POSTED', member: 'ana' }),
    });
    expect(() => closePeriod(input)).toThrow(InvalidSnapshotError);
    expect(thrownProblems(() => closePeriod(input))).toEqual([
      { path: '$.parameters.pools', message: 'must sum to 10000, got 9000' },
      { path: '$.events[0].member', message: 'unknown member "zed"' },
      { path: '$.events[1].type', message: 'unknown contribution type "POSTED"' },
    ]);
  });
});

describe('replay', () => {
  it('reads JSON text, and names malformed text at $', () => {
    expect(thrownProblems(() => replay('{"format": '))).toEqual([
      { path: '$', message: expect.stringMatching(/^not valid JSON: /) as string },
    ]);
    expect(thrownProblems(() => replay('"a string"'))).toEqual([
      { path: '$', message: 'must be an object, got "a string"' },
    ]);
    expect(thrownProblems(() => replay(42))).toEqual([{ path: '$', message: 'must be an object, got 42' }]);
  });

  it('states the problem count and every problem in its message', () => {
    const error = (() => {
      try {
        replay('[]');
      } catch (caught) {
        return caught as InvalidSnapshotError;
      }
    })();
    expect(error?.message).toBe('invalid snapshot (1 problem):\n$: must be an object, got an array');
    expect(error?.reason).toBe('INVALID_SNAPSHOT');
  });
});
