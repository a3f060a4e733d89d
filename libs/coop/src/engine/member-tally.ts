import { addExact, type Exact } from './exact';

/**
 * An exact integer per member index: a Float64Array while sums are safe integers, each member
 * moving to BigInt only once its sum would pass 2^53 − 1.
 */
export class MemberTally {
  private readonly values: Float64Array;
  private big: Map<number, bigint> | null = null;

  constructor(size: number) {
    this.values = new Float64Array(size);
  }

  add(member: number, value: Exact): void {
    const big = this.big?.get(member);
    if (big === undefined && typeof value === 'number') {
      const sum = this.values[member] + value;
      if (Number.isSafeInteger(sum)) {
        this.values[member] = sum;
        return;
      }
    }
    (this.big ??= new Map()).set(member, BigInt(addExact(big ?? this.values[member], value)));
  }

  get(member: number): Exact {
    return this.big?.get(member) ?? this.values[member];
  }

  /** Member indexes whose value is not 0, ascending. */
  *nonZero(): Generator<number> {
    for (let i = 0; i < this.values.length; i++) if (this.values[i] !== 0 || this.big?.has(i)) yield i;
  }
}
