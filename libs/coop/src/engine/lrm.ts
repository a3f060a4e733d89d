import { compareCodePoints } from './code-point-order';

/** One key of a split and its (non-negative, safe integer) weight. */
export type LrmPart = readonly [key: string, weight: number];

/**
 * SPEC §2, the one largest-remainder split every amount, point budget and unit budget goes
 * through: shares come back in the order of `parts` and always sum to `total` (or are all 0 when
 * the weights or the total are 0 — the caller decides where the total goes then).
 *
 * Exact: `total·weight` is computed in Number only when it provably stays below 2^53 (then `%`
 * and the division of an exact multiple are exact too); otherwise in BigInt.
 */
export function lrm(total: number, parts: readonly LrmPart[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`lrm: total must be a safe integer ≥ 0`);
  let weightSum = 0;
  let maxWeight = 0;
  for (const [key, weight] of parts) {
    if (!Number.isSafeInteger(weight) || weight < 0) throw new RangeError(`lrm: weight of ${key} must be ≥ 0`);
    weightSum += weight;
    if (weight > maxWeight) maxWeight = weight;
  }
  if (total === 0 || weightSum === 0) return parts.map(() => 0);
  return Number.isSafeInteger(weightSum) && Number.isSafeInteger(total * maxWeight)
    ? splitNumber(total, parts, weightSum)
    : splitBigInt(total, parts);
}

function splitNumber(total: number, parts: readonly LrmPart[], weightSum: number): number[] {
  const shares = new Array<number>(parts.length);
  const remainders = new Float64Array(parts.length);
  let given = 0;
  for (let i = 0; i < parts.length; i++) {
    const product = total * parts[i][1];
    const remainder = product % weightSum;
    shares[i] = (product - remainder) / weightSum;
    remainders[i] = remainder;
    given += shares[i];
  }
  const leftover = total - given;
  if (leftover === 0) return shares;
  if (parts.length <= 64) return giveLeftover(leftover, parts, shares, Array.from(remainders));
  // Many keys (a pool's members): the leftover-th largest remainder by a native numeric sort;
  // keys above it get a unit each, and only the keys tied at it need the full ranking.
  const threshold = remainders.slice().sort()[parts.length - leftover];
  const tied: number[] = [];
  let aboveThreshold = 0;
  for (let i = 0; i < parts.length; i++) {
    if (remainders[i] > threshold) {
      shares[i] += 1;
      aboveThreshold += 1;
    } else if (remainders[i] === threshold) tied.push(i);
  }
  tied.sort((a, b) => byRank(parts, a, b));
  for (let i = 0; i < leftover - aboveThreshold; i++) shares[tied[i]] += 1;
  return shares;
}

function splitBigInt(total: number, parts: readonly LrmPart[]): number[] {
  const bigTotal = BigInt(total);
  let weightSum = 0n;
  for (const [, weight] of parts) weightSum += BigInt(weight);
  const shares = new Array<number>(parts.length);
  const remainders = new Array<bigint>(parts.length);
  let given = 0;
  for (let i = 0; i < parts.length; i++) {
    const product = bigTotal * BigInt(parts[i][1]);
    shares[i] = Number(product / weightSum); // ≤ total: safe
    remainders[i] = product % weightSum;
    given += shares[i];
  }
  return giveLeftover(total - given, parts, shares, remainders);
}

/** One unit each to the keys ranked by remainder ↓, then weight ↓ and key ↑ (byRank). */
function giveLeftover<R extends number | bigint>(
  leftover: number,
  parts: readonly LrmPart[],
  shares: number[],
  remainders: R[],
): number[] {
  if (leftover === 0) return shares;
  // Σ remainders = leftover·W with each remainder < W, so more than `leftover` keys have one.
  const ranked: number[] = [];
  for (let i = 0; i < parts.length; i++) if (remainders[i] > 0) ranked.push(i);
  ranked.sort((a, b) => (remainders[b] > remainders[a] ? 1 : remainders[b] < remainders[a] ? -1 : byRank(parts, a, b)));
  for (let i = 0; i < leftover; i++) shares[ranked[i]] += 1;
  return shares;
}

/** Between equal remainders: weight descending, then key ascending in code point order. */
function byRank(parts: readonly LrmPart[], a: number, b: number): number {
  return parts[b][1] - parts[a][1] || compareCodePoints(parts[a][0], parts[b][0]);
}
