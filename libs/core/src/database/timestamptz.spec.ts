import { types } from 'pg';
import { parseTimestamptz } from './timestamptz';

/** node-postgres's own parser (postgres-date): the fast path must agree with it everywhere. */
const reference = types.getTypeParser(1184, 'text') as (text: string) => Date | number | null;

const time = (value: Date | number | null) => (value instanceof Date ? value.getTime() : value);
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('parseTimestamptz', () => {
  it('reads PostgreSQL timestamps exactly as postgres-date does', () => {
    expect(parseTimestamptz('2026-12-07 03:35:12.123456+00')).toEqual(new Date(Date.UTC(2026, 11, 7, 3, 35, 12, 123)));
    expect((parseTimestamptz('2026-12-07 03:35:12+05:30') as Date).toISOString()).toBe('2026-12-06T22:05:12.000Z');
    expect((parseTimestamptz('1999-01-01 00:00:00.5-08') as Date).toISOString()).toBe('1999-01-01T08:00:00.500Z');
    expect((parseTimestamptz('1900-06-01 12:00:00+00:19:32') as Date).toISOString()).toBe('1900-06-01T11:40:28.000Z');
  });

  it('agrees with postgres-date on 20,000 random timestamps, fractions and offsets', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 20_000; i++) {
      const digits = random(7);
      const fraction = digits ? `.${String(random(10 ** digits)).padStart(digits, '0')}` : '';
      const zone = [
        '+00',
        `${random(2) ? '+' : '-'}${pad(random(15))}`,
        `${random(2) ? '+' : '-'}${pad(random(15))}:${pad(random(60))}`,
        `+${pad(random(15))}:${pad(random(60))}:${pad(random(60))}`,
      ][random(4)];
      const text =
        `${pad(1000 + random(9000), 4)}-${pad(1 + random(12))}-${pad(1 + random(28))} ` +
        `${pad(random(24))}:${pad(random(60))}:${pad(random(60))}${fraction}${zone}`;
      expect([text, time(parseTimestamptz(text))]).toEqual([text, time(reference(text))]);
    }
  });

  it('leaves every other form to postgres-date', () => {
    for (const text of [
      'infinity',
      '-infinity',
      '0099-01-01 00:00:00+00',
      '0001-01-01 00:00:00+00 BC',
      '12345-01-01 00:00:00+00',
      '2026-12-07 03:35:12.+00',
      '2026-12-07 03:35:12',
      '2026-12-07',
    ]) {
      expect([text, time(parseTimestamptz(text))]).toEqual([text, time(reference(text))]);
    }
  });
});
