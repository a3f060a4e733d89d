import { compareInstants, minusDays, parseRfc3339 } from './rfc3339';

describe('parseRfc3339', () => {
  it.each([
    ['1970-01-01T00:00:00Z', 0, ''],
    ['2026-01-01T00:00:00Z', 1_767_225_600, ''],
    ['2026-01-01T01:30:00+01:30', 1_767_225_600, ''],
    ['2025-12-31t19:00:00.500-05:00', 1_767_225_600, '5'],
    ['2024-02-29T12:00:00.120000z', 1_709_208_000, '12'],
    ['1969-12-31T23:59:59.999999999Z', -1, '999999999'],
    ['2016-12-31T23:59:60Z', 1_483_228_800, ''],
    ['0000-03-01T00:00:00Z', -62_162_035_200, ''],
  ])('reads %s', (text, seconds, fraction) => {
    expect(parseRfc3339(text)).toEqual({ seconds, fraction });
  });

  it.each([
    '2026-01-01',
    '2026-01-01 00:00:00Z',
    '2026-01-01T00:00:00',
    '2026-13-01T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:60:00Z',
    '2026-01-01T00:00:61Z',
    '2026-01-01T00:00:00+24:00',
    '2026-01-01T00:00:00.Z',
    '2026-1-01T00:00:00Z',
    ' 2026-01-01T00:00:00Z',
  ])('refuses %p', (text) => {
    expect(parseRfc3339(text)).toBeNull();
  });

  it('orders instants exactly, past millisecond precision', () => {
    const at = (text: string) => parseRfc3339(text)!;
    expect(compareInstants(at('2026-01-01T00:00:00.0000001Z'), at('2026-01-01T00:00:00Z'))).toBeGreaterThan(0);
    expect(compareInstants(at('2026-01-01T00:00:00.5Z'), at('2026-01-01T00:00:00.49999Z'))).toBeGreaterThan(0);
    expect(compareInstants(at('2026-01-01T00:00:00.50Z'), at('2026-01-01T01:00:00.5+01:00'))).toBe(0);
    expect(minusDays(at('2026-02-01T00:00:00Z'), 7)).toEqual(at('2026-01-25T00:00:00Z'));
  });
});
