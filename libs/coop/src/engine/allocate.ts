import { InvalidSnapshotError } from '../coop.exception';
import { compareCodePoints } from './code-point-order';
import { ceilMulDiv } from './exact';
import { lrm, type LrmPart } from './lrm';
import type { PoolPoints } from './score';
import { EQUITY_POOL, type Allocation, type MemberResult, type PeriodSnapshot, type PoolResult } from './snapshot';
import type { SnapshotProblem } from './snapshot-problem';

const BPS = 10_000;

/** A pool's basis: the member indexes it holds (weight > 0) and their weights. */
interface Basis {
  readonly members: number[];
  readonly parts: LrmPart[];
  readonly total: number;
}

/**
 * SPEC §5: the money (loss or surplus; reserve, commons, patronage; pools; members; cash and
 * retained) and the units, from a valid snapshot and its scored points. Every split is `lrm`.
 * Throws InvalidSnapshotError when a closing balance or the equity basis would pass 2^53 − 1.
 */
export function allocate(snapshot: PeriodSnapshot, points: PoolPoints): Allocation {
  const { parameters, opening, money } = snapshot;
  const problems: SnapshotProblem[] = [];
  const safe = (value: number, path: string, what: string): number => {
    if (!Number.isSafeInteger(value)) problems.push({ path, message: `${what} would exceed 2^53 − 1` });
    return value;
  };

  const net = money.revenue - money.costs; // both in [0, 2^53): exact
  let lossCleared = 0;
  let distributable = 0;
  let absorbedLoss = 0;
  let carryforward: number;
  if (net <= 0) {
    absorbedLoss = Math.min(-net, opening.reserve);
    const carried = opening.lossCarryforward + (-net - absorbedLoss);
    carryforward = safe(carried, '$.opening.lossCarryforward', 'the closing loss carryforward');
  } else {
    lossCleared = Math.min(net, opening.lossCarryforward);
    carryforward = opening.lossCarryforward - lossCleared;
    distributable = net - lossCleared;
  }
  const [reserveShare, commonsShare, patronage] = lrm(distributable, [
    ['reserve', parameters.reserveBps],
    ['commons', parameters.commonsBps],
    ['patronage', BPS - parameters.reserveBps - parameters.commonsBps],
  ]);

  const poolNames = Object.keys(parameters.pools);
  const poolAmounts = lrm(
    patronage,
    poolNames.map((pool): LrmPart => [pool, parameters.pools[pool]]),
  );
  const bases = poolNames.map((pool) => basisOf(snapshot, pool, points, problems));
  /** Per pool, each member's amount (NaN: not in the pool's basis). */
  const byPool = bases.map((basis, p) => {
    const amounts = new Float64Array(snapshot.members.length).fill(NaN);
    const shares = lrm(poolAmounts[p], basis.parts);
    basis.members.forEach((member, i) => (amounts[member] = shares[i]));
    return amounts;
  });
  const pools = poolNames.map((pool, p): [string, PoolResult] => {
    const { total } = bases[p];
    return [pool, { amount: poolAmounts[p], basis: total, unallocated: total === 0 ? poolAmounts[p] : 0 }];
  });
  // An empty basis sends its pool's amount to the reserve.
  const reserveAllocated = pools.reduce((sum, [, pool]) => sum + pool.unallocated, reserveShare);
  const { units, unitsIssued } = issueUnits(snapshot, poolNames, bases);

  const reserveClosing = safe(
    opening.reserve - absorbedLoss + reserveAllocated,
    '$.opening.reserve',
    'the closing reserve',
  );
  const commonsClosing = safe(opening.commons + commonsShare, '$.opening.commons', 'the closing commons');
  if (problems.length > 0) throw new InvalidSnapshotError(problems);
  return {
    net,
    lossCleared,
    distributable,
    reserve: { opening: opening.reserve, allocated: reserveAllocated, absorbedLoss, closing: reserveClosing },
    commons: { opening: opening.commons, allocated: commonsShare, closing: commonsClosing },
    lossCarryforward: { opening: opening.lossCarryforward, closing: carryforward },
    patronage,
    pools: Object.fromEntries(pools),
    members: memberResults(snapshot, poolNames, points, byPool, units),
    unitsIssued,
  };
}

/** §5.5: a pool's basis — points, or for EQUITY the active members' vested units (non-zero only). */
function basisOf(snapshot: PeriodSnapshot, pool: string, points: PoolPoints, problems: SnapshotProblem[]): Basis {
  const weights = points.get(pool);
  const members: number[] = [];
  const parts: LrmPart[] = [];
  let total = 0;
  snapshot.members.forEach((member, i) => {
    const weight = weights ? weights[i] : member.status === 'active' ? member.vestedUnits : 0;
    if (weight > 0) {
      members.push(i);
      parts.push([member.id, weight]);
      total += weight;
    }
  });
  if (!Number.isSafeInteger(total)) {
    // points totals are checked when scored; vested units are summed only here
    problems.push({ path: '$.members', message: "the active members' vestedUnits sum past 2^53 − 1" });
    return { members: [], parts: [], total: 0 };
  }
  return { members, parts, total };
}

/** §5.7: the unit budget over the non-EQUITY pools that have points (by bps), then by points. */
function issueUnits(
  snapshot: PeriodSnapshot,
  poolNames: readonly string[],
  bases: readonly Basis[],
): { units: Float64Array; unitsIssued: number } {
  const units = new Float64Array(snapshot.members.length);
  const earning = poolNames.flatMap((pool, p) => (pool !== EQUITY_POOL && bases[p].total > 0 ? [p] : []));
  const poolUnits = lrm(
    snapshot.parameters.unitBudget,
    earning.map((p): LrmPart => [poolNames[p], snapshot.parameters.pools[poolNames[p]]]),
  );
  let unitsIssued = 0;
  earning.forEach((p, e) => {
    const shares = lrm(poolUnits[e], bases[p].parts);
    bases[p].members.forEach((member, i) => (units[member] += shares[i]));
    unitsIssued += poolUnits[e];
  });
  return { units, unitsIssued };
}

/** §5.6 and §6: every member in some pool's basis, by id; cash rounded up, the rest retained. */
function memberResults(
  snapshot: PeriodSnapshot,
  poolNames: readonly string[],
  points: PoolPoints,
  byPool: readonly Float64Array[],
  units: Float64Array,
): MemberResult[] {
  const { cashBps } = snapshot.parameters;
  const listed: number[] = [];
  for (let i = 0; i < snapshot.members.length; i++)
    if (byPool.some((amounts) => !Number.isNaN(amounts[i]))) listed.push(i);
  const ids = snapshot.members;
  listed.sort((a, b) => compareCodePoints(ids[a].id, ids[b].id));
  return listed.map((i) => {
    const memberPoints: [string, number][] = [];
    const memberPools: [string, number][] = [];
    let allocation = 0;
    poolNames.forEach((pool, p) => {
      const earned = points.get(pool)?.[i];
      if (earned) memberPoints.push([pool, earned]);
      const amount = byPool[p][i];
      if (!Number.isNaN(amount)) {
        memberPools.push([pool, amount]);
        allocation += amount;
      }
    });
    const cash = ceilMulDiv(allocation, cashBps, BPS);
    return {
      id: ids[i].id,
      points: Object.fromEntries(memberPoints),
      byPool: Object.fromEntries(memberPools),
      allocation,
      cash,
      retained: allocation - cash,
      units: units[i],
    };
  });
}
