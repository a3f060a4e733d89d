import type { PeriodParameters, PeriodSnapshot, SnapshotEvent, SnapshotMember } from '../engine/snapshot';

/** A member who joined long before the period, active, with no vested units, unless overridden. */
export function member(id: string, overrides: Partial<SnapshotMember> = {}): SnapshotMember {
  return { id, joinedAt: '2025-06-01T00:00:00Z', status: 'active', vestedUnits: 0, ...overrides };
}

/**
 * A valid snapshot of period 2026-01 (January 2026): one CREATOR pool fed by PUBLISHED (count),
 * ENGAGED (budget) and WORKED (amount), 100000 cents of surplus, members ana, ben and cy.
 */
export function snapshot(
  overrides: Partial<Omit<PeriodSnapshot, 'parameters'>> & { parameters?: Partial<PeriodParameters> } = {},
): PeriodSnapshot {
  const { parameters, ...rest } = overrides;
  return {
    format: 'guildhall.period-snapshot/1',
    period: { id: '2026-01', start: '2026-01-01T00:00:00Z', end: '2026-02-01T00:00:00Z' },
    parameters: {
      reserveBps: 2000,
      commonsBps: 1000,
      pools: { CREATOR: 10000 },
      cashBps: 2000,
      unitBudget: 1000,
      minMemberAgeDays: 7,
      federatedInstances: [],
      contributionTypes: {
        PUBLISHED: { rule: 'count', pool: 'CREATOR', points: 10, cap: 100 },
        ENGAGED: { rule: 'budget', pool: 'CREATOR', budget: 100 },
        WORKED: { rule: 'amount', pool: 'CREATOR', points: 1, cap: null },
      },
      ...parameters,
    },
    opening: { reserve: 0, commons: 0, lossCarryforward: 0 },
    money: { revenue: 100000, costs: 0 },
    members: [member('ana'), member('ben'), member('cy')],
    events: [] as SnapshotEvent[],
    ...rest,
  };
}

/** The fields of an event, any of them; a test event gets an id and type unless given. */
export interface EventInput {
  id?: string;
  type?: string;
  member?: string;
  actor?: string;
  object?: string;
  amount?: number;
  reverses?: string;
}

/** Events e1, e2, … (type PUBLISHED unless given). */
export function events(...inputs: EventInput[]): SnapshotEvent[] {
  return inputs.map((input, i) => ({ id: `e${i + 1}`, type: 'PUBLISHED', ...input }) as SnapshotEvent);
}
