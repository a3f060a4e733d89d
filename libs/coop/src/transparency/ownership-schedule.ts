import { nextMonthStart } from '../periods/period-calendar';

/** Units one close issued to a member that have not vested yet, and when they will. */
export interface VestingTranche {
  /** The period whose close issued them. */
  periodId: string;
  units: number;
  /** The period at whose close they vest (by seq), under the open period's vesting rule. */
  vestsAtSeq: number;
  /** Closes from now until they vest (1: at the next close). */
  closesUntil: number;
  /** The scheduled end of the period they vest at, on the monthly calendar. */
  expectedAt: Date;
}

export interface PeriodCalendarRow {
  id: string;
  seq: number;
  vestingPeriods: number;
  endsAt: Date;
  open: boolean;
}

/** The open period, for dating future closes (null before the first one opens). */
export interface OpenPeriodRef {
  id: string;
  seq: number;
  endsAt: Date;
}

/**
 * The scheduled end of the period `closesFromNow` closes ahead (1: the open period's end; each
 * later period a calendar month after it). Null for 0 or less: it is due now.
 */
export function expectedCloseEnd(open: OpenPeriodRef | null, closesFromNow: number): Date | null {
  if (!open || closesFromNow < 1) return null;
  let end = open.endsAt;
  for (let i = 1; i < closesFromNow; i++) end = nextMonthStart(end);
  return end;
}

/**
 * Which issued tranches are still unvested and when each vests. The close of period N vests the
 * units issued at the close of N − vestingPeriods(N) (period.service.ts), so a tranche is vested
 * once some closed N names it; a tranche still waiting vests at the close of its seq plus the
 * open period's vesting periods (governance may change that rule for later periods). A member
 * who left holds no unvested units (they were retired).
 */
export function vestingSchedule(
  tranches: readonly { periodId: string; seq: number; units: number }[],
  calendar: readonly PeriodCalendarRow[],
  left: boolean,
): { open: OpenPeriodRef | null; latestClosedSeq: number; unvested: VestingTranche[] } {
  const openRow = calendar.find((p) => p.open) ?? null;
  const open = openRow ? { id: openRow.id, seq: openRow.seq, endsAt: new Date(openRow.endsAt) } : null;
  const closed = calendar.filter((p) => !p.open);
  const latestClosedSeq = closed.length ? closed[closed.length - 1].seq : 0;
  if (left) return { open, latestClosedSeq, unvested: [] };
  const vested = new Set(closed.map((p) => p.seq - p.vestingPeriods));
  const vestingPeriods = openRow?.vestingPeriods ?? closed.at(-1)?.vestingPeriods ?? 0;
  const unvested = tranches
    .filter((t) => t.units > 0 && !vested.has(t.seq))
    .map((t) => {
      const vestsAtSeq = Math.max(t.seq + vestingPeriods, latestClosedSeq + 1);
      const closesUntil = vestsAtSeq - latestClosedSeq;
      return {
        periodId: t.periodId,
        units: t.units,
        vestsAtSeq,
        closesUntil,
        expectedAt: expectedCloseEnd(open, closesUntil) ?? new Date(0),
      };
    });
  return { open, latestClosedSeq, unvested };
}
