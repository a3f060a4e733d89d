import fc from 'fast-check';
import { lrm, type LrmPart } from './lrm';

describe('lrm', () => {
  it('gives each key its floor, then the leftover by remainder', () => {
    // 100·1/3 = 33 r 1, 100·2/3 = 66 r 2: the one leftover unit goes to the larger remainder.
    expect(
      lrm(100, [
        ['ana', 1],
        ['ben', 2],
      ]),
    ).toEqual([33, 67]);
    expect(
      lrm(246913, [
        ['reserve', 3000],
        ['commons', 0],
        ['patronage', 7000],
      ]),
    ).toEqual([74074, 0, 172839]);
  });

  it('breaks equal remainders by weight, then by key in code point order', () => {
    // 10 over 3·3·... : remainders equal; weight decides first.
    expect(
      lrm(1, [
        ['a', 1],
        ['b', 2],
      ]),
    ).toEqual([0, 1]);
    expect(
      lrm(2, [
        ['b', 1],
        ['a', 1],
        ['c', 1],
      ]),
    ).toEqual([1, 1, 0]);
    expect(
      lrm(1, [
        ['b', 1],
        ['a', 1],
      ]),
    ).toEqual([0, 1]);
    // U+FF21 (fullwidth A) is after U+1F600 in UTF-16 code units but before it in code points.
    expect(
      lrm(1, [
        ['\u{1F600}', 1],
        ['\uFF21', 1],
      ]),
    ).toEqual([0, 1]);
  });

  it('gives every key 0 when the total or every weight is 0', () => {
    expect(lrm(0, [['a', 5]])).toEqual([0]);
    expect(
      lrm(7, [
        ['a', 0],
        ['b', 0],
      ]),
    ).toEqual([0, 0]);
    expect(lrm(7, [])).toEqual([]);
  });

  it('is exact past 2^53 (BigInt products)', () => {
    const total = Number.MAX_SAFE_INTEGER; // 9007199254740991
    expect(
      lrm(total, [
        ['a', 3],
        ['b', 7],
      ]),
    ).toEqual([2702159776422297, 6305039478318694]);
    expect(
      lrm(10, [
        ['a', Number.MAX_SAFE_INTEGER],
        ['b', Number.MAX_SAFE_INTEGER - 1],
        ['c', 1],
      ]),
    ).toEqual([5, 5, 0]);
  });

  it('refuses negative or fractional input', () => {
    expect(() => lrm(-1, [['a', 1]])).toThrow(RangeError);
    expect(() => lrm(1, [['a', -1]])).toThrow(RangeError);
    expect(() => lrm(1.5, [['a', 1]])).toThrow(RangeError);
  });

  const parts = fc
    .uniqueArray(fc.tuple(fc.string({ maxLength: 3 }), fc.oneof(fc.nat(20), fc.maxSafeNat())), {
      selector: ([key]) => key,
      maxLength: 12,
    })
    .map((entries) => entries as LrmPart[]);
  const total = fc.oneof(fc.nat(1000), fc.maxSafeNat());

  it('sums to the total, each share the floor or ceiling of its exact quota', () => {
    fc.assert(
      fc.property(total, parts, (t, p) => {
        const shares = lrm(t, p);
        const weightSum = p.reduce((sum, [, w]) => sum + BigInt(w), 0n);
        if (weightSum === 0n || t === 0) return shares.every((share) => share === 0);
        expect(shares.reduce((sum, share) => sum + BigInt(share), 0n)).toBe(BigInt(t));
        p.forEach(([, w], i) => {
          const floor = (BigInt(t) * BigInt(w)) / weightSum;
          expect([floor, floor + 1n]).toContain(BigInt(shares[i]));
          if ((BigInt(t) * BigInt(w)) % weightSum === 0n) expect(BigInt(shares[i])).toBe(floor);
        });
        return true;
      }),
    );
  });

  it('does not depend on the order of its parts', () => {
    fc.assert(
      fc.property(
        total,
        parts.chain((p) => fc.tuple(fc.constant(p), fc.shuffledSubarray(p, { minLength: p.length }))),
        (t, [p, shuffled]) => {
          const byKey = (shares: number[], order: LrmPart[]) => new Map(order.map(([key], i) => [key, shares[i]]));
          expect(byKey(lrm(t, shuffled), shuffled)).toEqual(byKey(lrm(t, p), p));
        },
      ),
    );
  });

  it('agrees with a plain BigInt reference on many keys with many ties (the threshold path)', () => {
    /** SPEC §2 read literally: floors, then rank every key and give the leftover to the first. */
    const reference = (t: number, p: LrmPart[]) => {
      const weightSum = p.reduce((sum, [, w]) => sum + BigInt(w), 0n);
      if (t === 0 || weightSum === 0n) return p.map(() => 0);
      const rows = p.map(([key, w], i) => ({
        i,
        key,
        w,
        q: (BigInt(t) * BigInt(w)) / weightSum,
        r: (BigInt(t) * BigInt(w)) % weightSum,
      }));
      const leftover = BigInt(t) - rows.reduce((sum, row) => sum + row.q, 0n);
      const ranked = [...rows].sort((a, b) =>
        a.r === b.r ? b.w - a.w || (a.key < b.key ? -1 : 1) : a.r > b.r ? -1 : 1,
      );
      ranked.slice(0, Number(leftover)).forEach((row) => (row.q += 1n));
      return rows.map((row) => Number(row.q));
    };
    const manyParts = fc
      .uniqueArray(fc.tuple(fc.stringMatching(/^[a-z]{1,4}$/), fc.nat(6)), {
        selector: ([key]) => key,
        minLength: 65,
        maxLength: 400,
      })
      .map((entries) => entries as LrmPart[]);
    fc.assert(
      fc.property(fc.oneof(fc.nat(5000), fc.maxSafeNat()), manyParts, (t, p) => {
        expect(lrm(t, p)).toEqual(reference(t, p));
      }),
      { numRuns: 200 },
    );
  });
});
