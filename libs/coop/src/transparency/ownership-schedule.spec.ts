import { expectedCloseEnd, vestingSchedule, type PeriodCalendarRow } from './ownership-schedule';

const period = (seq: number, month: number, open = false, vestingPeriods = 3): PeriodCalendarRow => ({
  id: `2026-${String(month).padStart(2, '0')}`,
  seq,
  vestingPeriods,
  endsAt: new Date(Date.UTC(2026, month, 1)),
  open,
});

describe('vestingSchedule', () => {
  // Periods 1–5 closed (Jan–May 2026), 6 (June) open; units vest 3 closes after their issue.
  const calendar = [1, 2, 3, 4, 5].map((seq) => period(seq, seq)).concat(period(6, 6, true));
  const tranches = [1, 2, 3, 4, 5].map((seq) => ({ periodId: `2026-0${seq}`, seq, units: seq * 100 }));

  it('keeps the tranches no close has vested yet, dated by the monthly calendar', () => {
    const { open, latestClosedSeq, unvested } = vestingSchedule(tranches, calendar, false);
    expect(open).toEqual({ id: '2026-06', seq: 6, endsAt: new Date('2026-07-01T00:00:00Z') });
    expect(latestClosedSeq).toBe(5);
    // Closes 4 and 5 vested the tranches of 1 and 2; 3 vests at close 6 (the open period's end).
    expect(unvested).toEqual([
      { periodId: '2026-03', units: 300, vestsAtSeq: 6, closesUntil: 1, expectedAt: new Date('2026-07-01T00:00:00Z') },
      { periodId: '2026-04', units: 400, vestsAtSeq: 7, closesUntil: 2, expectedAt: new Date('2026-08-01T00:00:00Z') },
      { periodId: '2026-05', units: 500, vestsAtSeq: 8, closesUntil: 3, expectedAt: new Date('2026-09-01T00:00:00Z') },
    ]);
  });

  it('holds nothing unvested for a member who left', () => {
    expect(vestingSchedule(tranches, calendar, true).unvested).toEqual([]);
  });

  it('dates closes ahead from the open period, and nothing when due now', () => {
    const open = { id: '2026-06', seq: 6, endsAt: new Date('2026-07-01T00:00:00Z') };
    expect(expectedCloseEnd(open, 1)).toEqual(new Date('2026-07-01T00:00:00Z'));
    expect(expectedCloseEnd(open, 60)).toEqual(new Date('2031-06-01T00:00:00Z'));
    expect(expectedCloseEnd(open, 0)).toBeNull();
    expect(expectedCloseEnd(null, 3)).toBeNull();
  });
});
