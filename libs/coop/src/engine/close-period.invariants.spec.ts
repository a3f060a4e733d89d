import fc from 'fast-check';
import { validSnapshot } from '../testing/snapshot.arbitrary';
import { canonicalHash } from './canonical-json';
import { closePeriod } from './close-period';
import { EQUITY_POOL, type PeriodResult, type PeriodSnapshot } from './snapshot';
import { validateSnapshot } from './validate-snapshot';

/** SPEC §8 invariants 2–6 over random valid snapshots (1, 7 and 8 concern the ledger). */
describe('closePeriod invariants (SPEC §8)', () => {
  const RUNS = { numRuns: 300 };
  const big = BigInt;
  const sum = (values: number[]) => values.reduce((total, value) => total + big(value), 0n);
  /** `share` is ⌊total·weight/W⌋ or one more, and exactly the quota when it is whole. */
  const expectQuota = (share: number, total: number, weight: number, weightSum: bigint) => {
    const product = big(total) * big(weight);
    const floor = product / weightSum;
    expect(product % weightSum === 0n ? [floor] : [floor, floor + 1n]).toContain(big(share));
  };

  it('generates valid snapshots', () => {
    fc.assert(
      fc.property(validSnapshot, (input) => expect(validateSnapshot(input)).toEqual([])),
      RUNS,
    );
  });

  it('2: reserve.allocated + commons.allocated + Σ allocation = distributable', () => {
    fc.assert(
      fc.property(validSnapshot, (input) => {
        const result = closePeriod(input);
        const allocations = result.members.map((member) => member.allocation);
        expect(big(result.reserve.allocated) + big(result.commons.allocated) + sum(allocations)).toBe(
          big(result.distributable),
        );
        expect(result.reserve.closing).toBe(
          input.opening.reserve - result.reserve.absorbedLoss + result.reserve.allocated,
        );
        expect(result.commons.closing).toBe(input.opening.commons + result.commons.allocated);
      }),
      RUNS,
    );
  });

  it('3: every share is the floor or ceiling of its exact quota', () => {
    fc.assert(
      fc.property(validSnapshot, (input) => {
        const result = closePeriod(input);
        const { parameters } = input;
        const unallocated = Object.values(result.pools).reduce((total, pool) => total + pool.unallocated, 0);
        const d = result.distributable;
        expectQuota(result.reserve.allocated - unallocated, d, parameters.reserveBps, 10_000n);
        expectQuota(result.commons.allocated, d, parameters.commonsBps, 10_000n);
        expectQuota(result.patronage, d, 10_000 - parameters.reserveBps - parameters.commonsBps, 10_000n);
        for (const [pool, bps] of Object.entries(parameters.pools)) {
          const { amount, basis } = result.pools[pool];
          expectQuota(amount, result.patronage, bps, 10_000n);
          const weights = basisWeights(input, result, pool);
          expect(sum([...weights.values()])).toBe(big(basis));
          for (const member of result.members) {
            const weight = weights.get(member.id) ?? 0;
            if (weight === 0) expect(member.byPool[pool]).toBeUndefined();
            else expectQuota(member.byPool[pool], amount, weight, big(basis));
          }
        }
      }),
      RUNS,
    );
  });

  it('4: cash + retained = allocation and cash is allocation·cashBps/10000 rounded up', () => {
    fc.assert(
      fc.property(validSnapshot, (input) => {
        const { cashBps } = input.parameters;
        for (const { allocation, cash, retained } of closePeriod(input).members) {
          expect(cash + retained).toBe(allocation);
          expect(big(cash) * 10_000n >= big(allocation) * big(cashBps)).toBe(true);
          expect(big(cash - 1) * 10_000n < big(allocation) * big(cashBps)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('5: units issued = unitBudget when a pool with a share has points, else 0', () => {
    fc.assert(
      fc.property(validSnapshot, (input) => {
        const result = closePeriod(input);
        const earning = Object.entries(input.parameters.pools).some(
          ([pool, bps]) => pool !== EQUITY_POOL && bps > 0 && result.pools[pool].basis > 0,
        );
        expect(result.unitsIssued).toBe(earning ? input.parameters.unitBudget : 0);
        expect(sum(result.members.map((member) => member.units))).toBe(big(result.unitsIssued));
      }),
      RUNS,
    );
  });

  it('6: shuffling events or members changes nothing but the two hashes', () => {
    const shuffled = validSnapshot.chain((input) =>
      fc.record({
        input: fc.constant(input),
        members: fc.shuffledSubarray([...input.members], { minLength: input.members.length }),
        events: fc.shuffledSubarray([...input.events], { minLength: input.events.length }),
      }),
    );
    fc.assert(
      fc.property(shuffled, ({ input, members, events }) => {
        const original = closePeriod(input);
        const reordered = closePeriod({ ...input, members, events });
        const withoutHashes = ({ inputHash: _in, outputHash: _out, ...rest }: PeriodResult) => rest;
        expect(withoutHashes(reordered)).toEqual(withoutHashes(original));
        expect(reordered.inputHash).toBe(canonicalHash({ ...input, members, events }));
      }),
      RUNS,
    );
  });
});

/** A pool's basis weights from the result's own points (or, for EQUITY, the active members' vested units). */
function basisWeights(input: PeriodSnapshot, result: PeriodResult, pool: string): Map<string, number> {
  if (pool === EQUITY_POOL) {
    return new Map(
      input.members.filter((m) => m.status === 'active' && m.vestedUnits > 0).map((m) => [m.id, m.vestedUnits]),
    );
  }
  return new Map(result.members.filter((m) => m.points[pool]).map((m) => [m.id, m.points[pool]]));
}
