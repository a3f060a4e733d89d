import { member, snapshot } from '../testing/snapshot.factory';
import { formatProblem } from './snapshot-problem';
import { validateSnapshot } from './validate-snapshot';

const problemsOf = (input: unknown) => validateSnapshot(input).map(formatProblem);

describe('validateSnapshot', () => {
  it('accepts a valid snapshot', () => {
    expect(problemsOf(snapshot())).toEqual([]);
  });

  it('reports every problem of a broken snapshot, each at its JSON path', () => {
    const broken = {
      ...snapshot(),
      format: 'guildhall.period-snapshot/2',
      period: { id: '', start: '2026-02-01T00:00:00Z', end: '2026-01-01T00:00:00Z' },
      parameters: {
        reserveBps: 8000,
        commonsBps: 3000,
        pools: { CREATOR: 6000, SPEND: 3000 },
        cashBps: 2000.5,
        unitBudget: 2 ** 53,
        minMemberAgeDays: -1,
        federatedInstances: ['ok.example', ''],
        contributionTypes: {
          PUBLISHED: { rule: 'count', pool: 'CREATOR', points: 10 },
          ENGAGED: { rule: 'budget', pool: 'NOWHERE', budget: '100' },
          TIPPED: { rule: 'share', pool: 'SPEND' },
          REVERSAL: { rule: 'count', pool: 'SPEND', points: 1, cap: null },
        },
      },
      opening: { reserve: -1, commons: 0 },
      money: { revenue: '650000', costs: 1e300 },
      members: [
        member('ana'),
        { id: 'ben', joinedAt: 'yesterday', status: 'retired', vestedUnits: 1.5 },
        member('ana'),
        'cy',
      ],
      events: [
        { id: 'ev-1', type: 'PUBLISHED', member: 'ana', object: 'ana/post/1' },
        { id: 'ev-2', type: 'PUBLISHED', member: 'zed' },
        { id: 'ev-3', type: 'POSTED', member: 'ana' },
        { id: 'ev-1', type: 'PUBLISHED', member: 'ana', object: 'ana/post/1' }, // redelivered: fine
        { id: 'ev-1', type: 'PUBLISHED', member: 'ana', object: 'ana/post/2' },
        { id: 'ev-4', type: 'ENGAGED', actor: 'nobody', member: 'ana' },
        { id: 'ev-5', type: 'ENGAGED', actor: 'instance:', member: 'ana', object: 'ana/post/1' },
        { id: 'ev-6', type: 'REVERSAL' },
        { type: 'PUBLISHED', member: 'ana', amount: 0.5 },
        null,
      ],
    };
    expect(problemsOf(broken)).toEqual([
      '$.format: must be "guildhall.period-snapshot/1", got "guildhall.period-snapshot/2"',
      '$.period.id: must not be empty',
      '$.period.end: must be after $.period.start (2026-02-01T00:00:00Z)',
      '$.parameters: reserveBps + commonsBps must be at most 10000, got 11000',
      '$.parameters.pools: must sum to 10000, got 9000',
      '$.parameters.cashBps: must be an integer, got 2000.5',
      '$.parameters.unitBudget: must be an integer within ±(2^53 − 1), got 9007199254740992',
      '$.parameters.minMemberAgeDays: must be ≥ 0, got -1',
      '$.parameters.federatedInstances[1]: must not be empty',
      '$.parameters.contributionTypes.PUBLISHED.cap: missing',
      '$.parameters.contributionTypes.ENGAGED.pool: unknown pool "NOWHERE"',
      '$.parameters.contributionTypes.ENGAGED.budget: must be an integer, got "100"',
      '$.parameters.contributionTypes.TIPPED.rule: must be one of count, amount, budget, got "share"',
      '$.parameters.contributionTypes.REVERSAL: REVERSAL is reserved for reversal events',
      '$.opening.reserve: must be ≥ 0, got -1',
      '$.opening.lossCarryforward: missing',
      '$.money.revenue: must be an integer, got "650000"',
      '$.money.costs: must be an integer within ±(2^53 − 1), got 1e+300',
      '$.members[1].joinedAt: must be an RFC 3339 timestamp, got "yesterday"',
      '$.members[1].status: must be one of active, inactive, suspended, withdrawn, expelled, got "retired"',
      '$.members[1].vestedUnits: must be an integer, got 1.5',
      '$.members[2].id: duplicate member id "ana" (first at $.members[0])',
      '$.members[3]: must be an object, got "cy"',
      '$.events[1].member: unknown member "zed"',
      '$.events[2].type: unknown contribution type "POSTED"',
      '$.events[4]: differs from $.events[0], which has the same id "ev-1"',
      '$.events[5].actor: unknown actor "nobody" (neither a member nor instance:HOST)',
      '$.events[5].object: missing',
      '$.events[6].actor: instance actor without a host',
      '$.events[7].reverses: missing',
      '$.events[8].id: missing',
      '$.events[8].amount: must be an integer, got 0.5',
      '$.events[9]: must be an object, got null',
    ]);
  });

  it('names missing sections and a non-object document', () => {
    expect(problemsOf([])).toEqual(['$: must be an object, got an array']);
    expect(problemsOf({ format: 'guildhall.period-snapshot/1' })).toEqual([
      '$.period: missing',
      '$.parameters: missing',
      '$.opening: missing',
      '$.money: missing',
      '$.members: missing',
      '$.events: missing',
    ]);
  });

  it('requires the fields each rule reads, and quotes keys that are not identifiers', () => {
    const input = snapshot({
      parameters: {
        pools: { 'MY POOL': 10000 },
        contributionTypes: {
          'A B': { rule: 'amount', pool: 'MY POOL', points: 1, cap: null },
          EQ: { rule: 'count', pool: 'EQUITY', points: 1, cap: 3 },
          toString: { rule: 'budget' as const, pool: 'MY POOL', budget: 5 },
        },
      },
      events: [
        { id: 'e1', type: 'A B', member: 'ana' },
        { id: 'e2', type: 'toString', member: 'ana', actor: 'ben' },
        { id: 'e3', type: 'hasOwnProperty', member: 'ana' },
      ] as never,
    });
    expect(problemsOf(input)).toEqual([
      '$.parameters.contributionTypes.EQ.pool: unknown pool "EQUITY"',
      '$.events[0].amount: missing',
      '$.events[1].object: missing',
      '$.events[2].type: unknown contribution type "hasOwnProperty"',
    ]);
  });

  it('refuses a contribution type that feeds the EQUITY pool', () => {
    const input = snapshot({
      parameters: {
        pools: { CREATOR: 5000, EQUITY: 5000 },
        contributionTypes: { HELD: { rule: 'count', pool: 'EQUITY', points: 1, cap: null } },
      },
    });
    expect(problemsOf(input)).toEqual([
      "$.parameters.contributionTypes.HELD.pool: the EQUITY pool's basis is vested units, not points",
    ]);
  });

  it('treats an event delivered twice as one, and two different events under one id as a problem', () => {
    const event = { id: 'ev-1', type: 'WORKED', member: 'ana', amount: 5 };
    expect(problemsOf(snapshot({ events: [event, { amount: 5, member: 'ana', type: 'WORKED', id: 'ev-1' }] }))).toEqual(
      [],
    );
    expect(problemsOf(snapshot({ events: [event, { ...event, amount: 6 }] }))).toEqual([
      '$.events[1]: differs from $.events[0], which has the same id "ev-1"',
    ]);
  });
});
