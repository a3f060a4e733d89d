/**
 * Exact integer arithmetic that stays in Number while results are safe integers and moves to
 * BigInt only when they are not (SPEC §1: products may exceed 2^53). A Number result of + or ×
 * on safe integers is exact iff it is itself a safe integer, which is what each step checks.
 */
export type Exact = number | bigint;

export function addExact(a: Exact, b: Exact): Exact {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  return BigInt(a) + BigInt(b);
}

export function mulExact(a: Exact, b: Exact): Exact {
  if (typeof a === 'number' && typeof b === 'number') {
    const product = a * b;
    if (Number.isSafeInteger(product)) return product;
  }
  return BigInt(a) * BigInt(b);
}

/** The value as a Number if it is a safe integer, else null (it cannot appear in a result). */
export function toSafeNumber(value: Exact): number | null {
  if (typeof value === 'number') return value;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : null;
}

/** ⌈a·b / c⌉ for safe integers a, b ≥ 0 and c > 0, exactly. */
export function ceilMulDiv(a: number, b: number, c: number): number {
  const product = a * b;
  if (Number.isSafeInteger(product)) {
    const remainder = product % c;
    return (product - remainder) / c + (remainder > 0 ? 1 : 0);
  }
  const big = BigInt(a) * BigInt(b);
  const divisor = BigInt(c);
  return Number(big / divisor + (big % divisor > 0n ? 1n : 0n));
}
