import { DEFAULT_PARAMETERS } from '../bylaws';
import { explainMember } from './explain';
import { scoreSnapshot } from './score';
import type { PeriodSnapshot, SnapshotEvent } from './snapshot';

const published = (n: number): SnapshotEvent => ({ id: `p${n}`, type: 'PUBLISHED', member: 'ana', object: `ana/${n}` });
const engaged = (id: string, actor: string, object: string, member = 'ana'): SnapshotEvent => ({
  id,
  type: 'ENGAGED',
  actor,
  member,
  object,
});

/**
 * The hand-computed example. ana publishes 12 posts and deletes the third: 11 live × 10 points,
 * capped at 100, so the 12th scores nothing. ben engages with 2 of ana's posts (a like and a
 * boost of ana/1 count once) and 1 of dee's: lrm(100, [ana 2, dee 1]) = ana 66 r 2, dee 33 r 1,
 * the leftover point to ana → 67. dee's like of ana/3 is undone; its boost of ana/4 is its only
 * engagement → 100. cy is too young, the remote server is not federated, ana's like of its own
 * post is ignored. ana curates one post (4) and pays 500 then is refunded 200 (300).
 * CREATOR = 100 + 67 + 100 = 267, CURATION = 4, SPEND = 300.
 */
const example: PeriodSnapshot = {
  format: 'guildhall.period-snapshot/1',
  period: { id: '2026-03', start: '2026-03-01T00:00:00Z', end: '2026-04-01T00:00:00Z' },
  parameters: DEFAULT_PARAMETERS,
  opening: { reserve: 0, commons: 0, lossCarryforward: 0 },
  money: { revenue: 0, costs: 0 },
  members: [
    { id: 'ana', joinedAt: '2026-01-01T00:00:00Z', status: 'active', vestedUnits: 0 },
    { id: 'ben', joinedAt: '2026-01-01T00:00:00Z', status: 'active', vestedUnits: 0 },
    { id: 'cy', joinedAt: '2026-03-28T00:00:00Z', status: 'active', vestedUnits: 0 },
    { id: 'dee', joinedAt: '2026-01-01T00:00:00Z', status: 'active', vestedUnits: 0 },
  ],
  events: [
    ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(published),
    { id: 'r1', type: 'REVERSAL', reverses: 'p3' },
    engaged('e1', 'ben', 'ana/1'),
    engaged('e2', 'ben', 'ana/1'),
    engaged('e3', 'ben', 'ana/2'),
    engaged('e4', 'ben', 'dee/1', 'dee'),
    engaged('e1', 'ben', 'ana/1'), // delivered twice
    engaged('e5', 'cy', 'ana/1'),
    engaged('e6', 'ana', 'ana/1'),
    engaged('e7', 'instance:remote.example', 'ana/2'),
    engaged('e8', 'dee', 'ana/3'),
    { id: 'r2', type: 'REVERSAL', reverses: 'e8' },
    engaged('e9', 'dee', 'ana/4'),
    { id: 'c1', type: 'CURATED', member: 'ana', object: 'ben/1' },
    { id: 's1', type: 'SPENT', member: 'ana', amount: 500 },
    { id: 's2', type: 'SPENT', member: 'ana', amount: -200 },
    { id: 'p13', type: 'PUBLISHED', member: 'cy', object: 'cy/1' },
  ],
};

describe('explainMember', () => {
  it('explains every event of a member, with the totals the engine scores', () => {
    const explained = explainMember(example, 'ana');
    expect(explained.points).toEqual({ CREATOR: 267, CURATION: 4, SPEND: 300 });
    expect(explained.byType).toEqual([
      { type: 'PUBLISHED', rule: 'count', pool: 'CREATOR', points: 100 },
      { type: 'ENGAGED', rule: 'budget', pool: 'CREATOR', points: 167 },
      { type: 'CURATED', rule: 'count', pool: 'CURATION', points: 4 },
      { type: 'MODERATED', rule: 'count', pool: 'CURATION', points: 0 },
      { type: 'SPENT', rule: 'amount', pool: 'SPEND', points: 300 },
    ]);
    expect(explained.budgets).toEqual([
      { type: 'ENGAGED', pool: 'CREATOR', actor: 'ben', objects: 2, budget: 100, points: 67 },
      { type: 'ENGAGED', pool: 'CREATOR', actor: 'dee', objects: 1, budget: 100, points: 100 },
    ]);
    const outcomes = explained.events.map((e) => [e.id, e.outcome, e.points, e.reversedBy]);
    expect(outcomes).toEqual([
      ['p1', 'counted', 10, null],
      ['p2', 'counted', 10, null],
      ['p3', 'reversed', null, 'r1'],
      ...[4, 5, 6, 7, 8, 9, 10, 11].map((n) => [`p${n}`, 'counted', 10, null]),
      ['p12', 'over-cap', 0, null],
      ['e1', 'engaged', null, null],
      ['e2', 'engaged', null, null],
      ['e3', 'engaged', null, null],
      ['e1', 'redelivered', null, null],
      ['e5', 'actor-ineligible', null, null],
      ['e6', 'self-engagement', null, null],
      ['e7', 'actor-ineligible', null, null],
      ['e8', 'reversed', null, 'r2'],
      ['e9', 'engaged', null, null],
      ['c1', 'counted', 4, null],
      ['s1', 'counted', 500, null],
      ['s2', 'counted', -200, null],
    ]);
    expect(explained).toMatchObject({ member: 'ana', status: 'active', eligible: true });
  });

  it('agrees with scoreSnapshot for every member', () => {
    const scored = scoreSnapshot(example);
    example.members.forEach((member, i) => {
      const expected: Record<string, number> = {};
      for (const [pool, points] of scored) if (points[i] !== 0) expected[pool] = points[i];
      expect(explainMember(example, member.id).points).toEqual(expected);
    });
  });

  it('says when a member is too young, and from when it will count', () => {
    const explained = explainMember(example, 'cy');
    expect(explained.eligible).toBe(false);
    expect(explained.oldEnoughAt).toBe('2026-04-04T00:00:00.000Z');
    expect(explained.events.map((e) => [e.id, e.outcome])).toEqual([['p13', 'member-ineligible']]);
    expect(explained.points).toEqual({});
  });

  it('refuses a member the snapshot does not list', () => {
    expect(() => explainMember(example, 'zed')).toThrow('no member zed');
  });
});
