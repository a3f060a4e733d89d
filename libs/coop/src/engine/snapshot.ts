/** The published input of a period close (SPEC §3) and its result (SPEC §6). */

export const SNAPSHOT_FORMAT = 'guildhall.period-snapshot/1';
export const RESULT_FORMAT = 'guildhall.period-result/1';

/** The event type that cancels another event (SPEC §4.2); no contribution type may use it. */
export const REVERSAL = 'REVERSAL';
/** The pool whose basis is the active members' vested units, not points (SPEC §5.5). */
export const EQUITY_POOL = 'EQUITY';
/** An actor `instance:HOST` stands for a whole remote server (SPEC §4.6). */
export const INSTANCE_ACTOR_PREFIX = 'instance:';

export const MEMBER_STATUSES = ['active', 'inactive', 'suspended', 'withdrawn', 'expelled'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export const CONTRIBUTION_RULES = ['count', 'amount', 'budget'] as const;
export type ContributionRule = (typeof CONTRIBUTION_RULES)[number];

export type ContributionType =
  | { readonly rule: 'count'; readonly pool: string; readonly points: number; readonly cap: number | null }
  | { readonly rule: 'amount'; readonly pool: string; readonly points: number; readonly cap: number | null }
  | { readonly rule: 'budget'; readonly pool: string; readonly budget: number };

export interface PeriodParameters {
  readonly reserveBps: number;
  readonly commonsBps: number;
  readonly pools: Readonly<Record<string, number>>;
  readonly cashBps: number;
  readonly unitBudget: number;
  readonly minMemberAgeDays: number;
  readonly federatedInstances?: readonly string[];
  readonly contributionTypes: Readonly<Record<string, ContributionType>>;
}

export interface SnapshotMember {
  readonly id: string;
  readonly joinedAt: string;
  readonly status: MemberStatus;
  readonly vestedUnits: number;
}

export interface ContributionEvent {
  readonly id: string;
  readonly type: string;
  readonly member: string;
  readonly actor?: string;
  readonly object?: string;
  readonly amount?: number;
}

export interface ReversalEvent {
  readonly id: string;
  readonly type: typeof REVERSAL;
  readonly reverses: string;
}

export type SnapshotEvent = ContributionEvent | ReversalEvent;

export interface PeriodSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly period: { readonly id: string; readonly start: string; readonly end: string };
  readonly parameters: PeriodParameters;
  readonly opening: { readonly reserve: number; readonly commons: number; readonly lossCarryforward: number };
  readonly money: { readonly revenue: number; readonly costs: number };
  readonly members: readonly SnapshotMember[];
  readonly events: readonly SnapshotEvent[];
}

export interface PoolResult {
  amount: number;
  basis: number;
  unallocated: number;
}

export interface MemberResult {
  id: string;
  points: Record<string, number>;
  byPool: Record<string, number>;
  allocation: number;
  cash: number;
  retained: number;
  units: number;
}

/** Everything of a result but its identity and hashes: what `allocate` computes. */
export interface Allocation {
  net: number;
  lossCleared: number;
  distributable: number;
  reserve: { opening: number; allocated: number; absorbedLoss: number; closing: number };
  commons: { opening: number; allocated: number; closing: number };
  lossCarryforward: { opening: number; closing: number };
  patronage: number;
  pools: Record<string, PoolResult>;
  members: MemberResult[];
  unitsIssued: number;
}

export interface PeriodResult extends Allocation {
  format: typeof RESULT_FORMAT;
  period: string;
  inputHash: string;
  outputHash: string;
}
