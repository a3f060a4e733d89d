import { monthStart, nextMonthStart, periodId } from './period-calendar';

describe('period calendar', () => {
  it('opens monthly periods in UTC', () => {
    const at = new Date('2026-11-17T23:30:00-05:00');
    expect(monthStart(at).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(nextMonthStart(at).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(nextMonthStart(new Date('2026-12-05T00:00:00Z')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('numbers the periods of one month after an early close', () => {
    const at = new Date('2026-11-17T00:00:00Z');
    expect(periodId(at, 0)).toBe('2026-11');
    expect(periodId(at, 1)).toBe('2026-11.2');
    expect(periodId(at, 2)).toBe('2026-11.3');
  });
});
