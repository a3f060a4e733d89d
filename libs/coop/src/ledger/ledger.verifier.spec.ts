import type { PeriodResult } from '../engine/snapshot';
import { compareCloseCredits } from './ledger.verifier';

const result = (members: { id: string; cash: number; retained: number }[]) =>
  ({ members: members.map((m) => ({ ...m, allocation: m.cash + m.retained })) }) as unknown as PeriodResult;

describe('compareCloseCredits', () => {
  const closed = [{ id: '2026-01', result: result([{ id: 'ana', cash: 200, retained: 800 }]) }];

  it('accepts a close whose credits are its result', () => {
    expect(compareCloseCredits(closed, [{ period: '2026-01', member: 'ana', cash: 200, retained: 800 }])).toEqual([
      { period: '2026-01', ok: true },
    ]);
  });

  it('names the member whose credits differ, and a member credited though the result omits it', () => {
    const [short] = compareCloseCredits(closed, [{ period: '2026-01', member: 'ana', cash: 200, retained: 799 }]);
    expect(short).toEqual({
      period: '2026-01',
      ok: false,
      problem: 'ana: the close credited cash 200 and capital 799, the result says 200 and 800',
    });
    const [extra] = compareCloseCredits(closed, [
      { period: '2026-01', member: 'ana', cash: 200, retained: 800 },
      { period: '2026-01', member: 'ben', cash: 1, retained: 0 },
    ]);
    expect(extra.ok).toBe(false);
    expect(extra.problem).toMatch(/^ben:/);
  });

  it('reports a close that posted nothing for a member of its result', () => {
    expect(compareCloseCredits(closed, [])[0]).toMatchObject({ ok: false, problem: expect.stringMatching(/^ana:/) });
  });
});
