import { EQUITY_POOL, type PeriodParameters } from '../engine/snapshot';

const BPS = 10_000;

/** What the bylaws allow governance to set (issue 5 §6), and how a vote is decided. */
export const BYLAW_BOUNDS = {
  /** Cash part of each allocation: at least 20%. */
  minCashBps: 2000,
  /** Indivisible reserve: at least 20% of a surplus. */
  minReserveBps: 2000,
  /** The EQUITY pool (patronage on vested units): at most 25%. */
  maxEquityBps: 2500,
  maxUnitBudget: 1_000_000_000,
  maxMinMemberAgeDays: 3650,
  minVestingPeriods: 1,
  maxVestingPeriods: 120,
  maxFederatedInstances: 1000,
  /** Quorum: at least 20% of the active members voted (YES, NO or ABSTAIN). */
  quorumBps: 2000,
  defaultVotingDays: 7,
  maxVotingDays: 60,
} as const;

/** Parameters a period is opened with: the engine's parameters and how long its units take to vest. */
export interface GovernedParameters {
  parameters: PeriodParameters;
  vestingPeriods: number;
}

/** What a proposal changes; absent fields keep their value (`pools` is replaced whole). */
export interface ParameterChanges {
  cashBps?: number;
  reserveBps?: number;
  commonsBps?: number;
  pools?: Record<string, number>;
  unitBudget?: number;
  minMemberAgeDays?: number;
  federatedInstances?: string[];
  vestingPeriods?: number;
}

export interface BylawProblem {
  field: string;
  message: string;
}

/** `base` with `changes` applied. */
export function applyChanges(base: GovernedParameters, changes: ParameterChanges): GovernedParameters {
  const { vestingPeriods, ...parameterChanges } = changes;
  const defined = Object.fromEntries(Object.entries(parameterChanges).filter(([, v]) => v !== undefined));
  return {
    parameters: { ...base.parameters, ...defined },
    vestingPeriods: vestingPeriods ?? base.vestingPeriods,
  };
}

const POOL_NAME = /^[A-Z][A-Z0-9_]{0,31}$/;
const HOST = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?$/;

/** Every way `governed` breaks the bylaws (or the engine's own rules), each naming its field. */
export function bylawProblems({ parameters: p, vestingPeriods }: GovernedParameters): BylawProblem[] {
  const problems: BylawProblem[] = [];
  const int = (field: string, value: unknown, min: number, max: number, why = ''): value is number => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      problems.push({
        field,
        message: `${field} must be an integer from ${min} to ${max}${why}, got ${String(value)}`,
      });
      return false;
    }
    return true;
  };
  int('cashBps', p.cashBps, BYLAW_BOUNDS.minCashBps, BPS, ' (bylaws: cash share at least 20%)');
  const reserveOk = int('reserveBps', p.reserveBps, BYLAW_BOUNDS.minReserveBps, BPS, ' (bylaws: reserve at least 20%)');
  const commonsOk = int('commonsBps', p.commonsBps, 0, BPS);
  if (reserveOk && commonsOk && p.reserveBps + p.commonsBps > BPS) {
    problems.push({
      field: 'commonsBps',
      message: `reserveBps + commonsBps must be at most ${BPS}, got ${p.reserveBps + p.commonsBps}`,
    });
  }
  const pools = Object.entries(p.pools);
  if (pools.length === 0) problems.push({ field: 'pools', message: 'pools must name at least one pool' });
  let sum = 0;
  let poolsOk = true;
  for (const [name, bps] of pools) {
    if (!POOL_NAME.test(name)) {
      problems.push({ field: 'pools', message: `pool name ${JSON.stringify(name)} must match ${POOL_NAME.source}` });
      poolsOk = false;
    }
    if (int(`pools.${name}`, bps, 0, BPS)) sum += bps;
    else poolsOk = false;
  }
  if (poolsOk && pools.length && sum !== BPS) {
    problems.push({ field: 'pools', message: `pools must sum to ${BPS}, got ${sum}` });
  }
  const equity = p.pools[EQUITY_POOL];
  if (typeof equity === 'number' && equity > BYLAW_BOUNDS.maxEquityBps) {
    problems.push({
      field: `pools.${EQUITY_POOL}`,
      message: `pools.${EQUITY_POOL} must be at most ${BYLAW_BOUNDS.maxEquityBps} (bylaws: 25%), got ${equity}`,
    });
  }
  for (const [type, rule] of Object.entries(p.contributionTypes)) {
    if (!Object.hasOwn(p.pools, rule.pool)) {
      problems.push({ field: 'pools', message: `pools must keep ${rule.pool}: contribution type ${type} feeds it` });
    }
  }
  int('unitBudget', p.unitBudget, 0, BYLAW_BOUNDS.maxUnitBudget);
  int('minMemberAgeDays', p.minMemberAgeDays, 0, BYLAW_BOUNDS.maxMinMemberAgeDays);
  const hosts = p.federatedInstances ?? [];
  if (hosts.length > BYLAW_BOUNDS.maxFederatedInstances) {
    problems.push({
      field: 'federatedInstances',
      message: `federatedInstances may list at most ${BYLAW_BOUNDS.maxFederatedInstances} hosts`,
    });
  }
  for (const host of hosts) {
    if (typeof host !== 'string' || !HOST.test(host)) {
      problems.push({
        field: 'federatedInstances',
        message: `federatedInstances: ${JSON.stringify(host)} is not a lowercase host name`,
      });
    }
  }
  if (new Set(hosts).size !== hosts.length) {
    problems.push({ field: 'federatedInstances', message: 'federatedInstances lists a host twice' });
  }
  int('vestingPeriods', vestingPeriods, BYLAW_BOUNDS.minVestingPeriods, BYLAW_BOUNDS.maxVestingPeriods);
  return problems;
}

/** Quorum (≥ 20% of the active members voted) and a simple majority of YES over YES + NO. */
export function decide(tally: { yes: number; no: number; abstain: number; electorate: number }): {
  adopted: boolean;
  outcome: string;
} {
  const voted = tally.yes + tally.no + tally.abstain;
  if (tally.electorate === 0 || voted * BPS < tally.electorate * BYLAW_BOUNDS.quorumBps) {
    return {
      adopted: false,
      outcome: `quorum not met: ${voted} of ${tally.electorate} active members voted, 20% needed`,
    };
  }
  if (tally.yes <= tally.no) {
    return { adopted: false, outcome: `no majority: ${tally.yes} YES, ${tally.no} NO` };
  }
  return { adopted: true, outcome: `adopted: ${tally.yes} YES, ${tally.no} NO, ${tally.abstain} ABSTAIN` };
}
