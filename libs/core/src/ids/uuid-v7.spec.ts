import { UUID_PATTERN, uuidv7, uuidv7Time } from './uuid-v7';

describe('uuidv7', () => {
  it('is a valid version-7 UUID carrying its timestamp', () => {
    const id = uuidv7(new Date('2026-11-22T03:00:00.123Z'));
    expect(id).toMatch(UUID_PATTERN);
    expect(id[14]).toBe('7');
    expect(uuidv7Time(id)).toBe(Date.parse('2026-11-22T03:00:00.123Z'));
  });

  it('sorts by time as a string, across milliseconds', () => {
    const ids = [3, 1, 2].map((n) => uuidv7(1_790_000_000_000 + n));
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0]]);
  });

  it('is unique within one millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => uuidv7(1_790_000_000_000)));
    expect(ids.size).toBe(1000);
  });
});
