import { events, member, snapshot } from '../testing/snapshot.factory';
import { thrownProblems } from '../testing/thrown-problems';
import { allocate } from './allocate';
import { scoreSnapshot } from './score';
import type { PeriodSnapshot } from './snapshot';

const allocated = (input: PeriodSnapshot) => allocate(input, scoreSnapshot(input));
const published = (...authors: string[]) => events(...authors.map((author) => ({ member: author })));

describe('allocate', () => {
  it('absorbs a loss in the reserve, carries the rest forward, distributes nothing and still issues units', () => {
    const input = snapshot({
      opening: { reserve: 30000, commons: 700, lossCarryforward: 5000 },
      money: { revenue: 10000, costs: 50000 },
      events: published('ana', 'ana', 'ben'),
    });
    expect(allocated(input)).toEqual({
      net: -40000,
      lossCleared: 0,
      distributable: 0,
      reserve: { opening: 30000, allocated: 0, absorbedLoss: 30000, closing: 0 },
      commons: { opening: 700, allocated: 0, closing: 700 },
      lossCarryforward: { opening: 5000, closing: 15000 },
      patronage: 0,
      pools: { CREATOR: { amount: 0, basis: 30, unallocated: 0 } },
      members: [
        { id: 'ana', points: { CREATOR: 20 }, byPool: { CREATOR: 0 }, allocation: 0, cash: 0, retained: 0, units: 667 },
        { id: 'ben', points: { CREATOR: 10 }, byPool: { CREATOR: 0 }, allocation: 0, cash: 0, retained: 0, units: 333 },
      ],
      unitsIssued: 1000,
    });
  });

  it('clears the loss carryforward before distributing a surplus', () => {
    const input = (lossCarryforward: number) =>
      snapshot({ opening: { reserve: 0, commons: 0, lossCarryforward }, events: published('ana') });
    expect(allocated(input(60000))).toMatchObject({
      net: 100000,
      lossCleared: 60000,
      distributable: 40000,
      reserve: { opening: 0, allocated: 8000, absorbedLoss: 0, closing: 8000 },
      commons: { opening: 0, allocated: 4000, closing: 4000 },
      lossCarryforward: { opening: 60000, closing: 0 },
      patronage: 28000,
      members: [{ id: 'ana', byPool: { CREATOR: 28000 }, allocation: 28000, cash: 5600, retained: 22400, units: 1000 }],
    });
    expect(allocated(input(150000))).toMatchObject({
      lossCleared: 100000,
      distributable: 0,
      lossCarryforward: { opening: 150000, closing: 50000 },
      patronage: 0,
    });
  });

  it("pays the EQUITY pool by active members' vested units, sends an empty pool to the reserve and rounds cash up", () => {
    const input = snapshot({
      parameters: {
        pools: { CREATOR: 6000, EQUITY: 3000, SPEND: 1000 },
        cashBps: 3333,
        contributionTypes: {
          PUBLISHED: { rule: 'count', pool: 'CREATOR', points: 10, cap: 100 },
          SPENT: { rule: 'amount', pool: 'SPEND', points: 1, cap: null },
        },
      },
      members: [
        member('ana'),
        member('ben', { vestedUnits: 100 }),
        member('cy', { vestedUnits: 200, joinedAt: '2026-01-30T00:00:00Z' }), // too new to earn points, still vested
        member('dee', { vestedUnits: 700, status: 'withdrawn' }),
        member('eve'),
      ],
      events: published('ana', 'ana', 'ana', 'ben'),
    });
    expect(allocated(input)).toEqual({
      net: 100000,
      lossCleared: 0,
      distributable: 100000,
      reserve: { opening: 0, allocated: 27000, absorbedLoss: 0, closing: 27000 },
      commons: { opening: 0, allocated: 10000, closing: 10000 },
      lossCarryforward: { opening: 0, closing: 0 },
      patronage: 70000,
      pools: {
        CREATOR: { amount: 42000, basis: 40, unallocated: 0 },
        EQUITY: { amount: 21000, basis: 300, unallocated: 0 },
        SPEND: { amount: 7000, basis: 0, unallocated: 7000 },
      },
      members: [
        {
          id: 'ana',
          points: { CREATOR: 30 },
          byPool: { CREATOR: 31500 },
          allocation: 31500,
          cash: 10499,
          retained: 21001,
          units: 750,
        },
        {
          id: 'ben',
          points: { CREATOR: 10 },
          byPool: { CREATOR: 10500, EQUITY: 7000 },
          allocation: 17500,
          cash: 5833,
          retained: 11667,
          units: 250,
        },
        { id: 'cy', points: {}, byPool: { EQUITY: 14000 }, allocation: 14000, cash: 4667, retained: 9333, units: 0 },
      ],
      unitsIssued: 1000,
    });
  });

  it('issues no units and sends the patronage to the reserve when nobody has points', () => {
    expect(allocated(snapshot())).toMatchObject({
      reserve: { opening: 0, allocated: 90000, absorbedLoss: 0, closing: 90000 },
      patronage: 70000,
      pools: { CREATOR: { amount: 70000, basis: 0, unallocated: 70000 } },
      members: [],
      unitsIssued: 0,
    });
  });

  it('splits money near 2^53 exactly', () => {
    const input = snapshot({
      money: { revenue: Number.MAX_SAFE_INTEGER, costs: 0 },
      events: published('ana', 'ben', 'ben'),
    });
    expect(allocated(input)).toMatchObject({
      distributable: 9007199254740991,
      reserve: { allocated: 1801439850948198, closing: 1801439850948198 },
      commons: { allocated: 900719925474099 },
      patronage: 6305039478318694,
      members: [
        { id: 'ana', allocation: 2101679826106231, cash: 420335965221247, retained: 1681343860884984 },
        { id: 'ben', allocation: 4203359652212463, cash: 840671930442493, retained: 3362687721769970 },
      ],
    });
  });

  it('refuses a close whose balances would pass 2^53 − 1', () => {
    const input = snapshot({
      opening: { reserve: Number.MAX_SAFE_INTEGER, commons: Number.MAX_SAFE_INTEGER, lossCarryforward: 0 },
    });
    expect(thrownProblems(() => allocated(input))).toEqual([
      { path: '$.opening.reserve', message: 'the closing reserve would exceed 2^53 − 1' },
      { path: '$.opening.commons', message: 'the closing commons would exceed 2^53 − 1' },
    ]);
    const loss = snapshot({
      opening: { reserve: 0, commons: 0, lossCarryforward: Number.MAX_SAFE_INTEGER },
      money: { revenue: 0, costs: 1 },
    });
    expect(thrownProblems(() => allocated(loss))).toEqual([
      { path: '$.opening.lossCarryforward', message: 'the closing loss carryforward would exceed 2^53 − 1' },
    ]);
  });
});
