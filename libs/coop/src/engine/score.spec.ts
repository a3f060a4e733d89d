import { events, member, snapshot } from '../testing/snapshot.factory';
import { thrownProblems } from '../testing/thrown-problems';
import { scoreSnapshot } from './score';
import type { PeriodSnapshot } from './snapshot';

/** The CREATOR pool's points by member id (members with points only). */
const creatorPoints = (input: PeriodSnapshot) => {
  const points = scoreSnapshot(input).get('CREATOR')!;
  return Object.fromEntries(input.members.flatMap((member, i) => (points[i] > 0 ? [[member.id, points[i]]] : [])));
};

describe('scoreSnapshot', () => {
  it('counts an event delivered twice once, and caps a count at cap', () => {
    const published = events(...Array.from({ length: 12 }, (_, i) => ({ member: 'ana', object: `ana/post/${i}` })));
    expect(creatorPoints(snapshot({ events: [...published.slice(0, 3), published[0], published[1]] }))).toEqual({
      ana: 30,
    });
    expect(creatorPoints(snapshot({ events: published }))).toEqual({ ana: 100 });
  });

  it('drops reversed events; a reversal of a reversal or of an earlier period changes nothing', () => {
    const input = snapshot({
      events: events(
        { member: 'ana' },
        { member: 'ana' },
        { member: 'ben' },
        { type: 'REVERSAL', reverses: 'e1' },
        { type: 'REVERSAL', reverses: 'e4' }, // reverses a reversal: no effect, e1 stays reversed
        { type: 'REVERSAL', reverses: 'closed-period-event' },
        { type: 'REVERSAL', reverses: 'e1' }, // twice: still removed once
      ),
    });
    expect(creatorPoints(input)).toEqual({ ana: 10, ben: 10 });
  });

  it('sums amounts, refunds included, floors a negative total at 0, then caps', () => {
    const input = snapshot({
      parameters: {
        contributionTypes: {
          SPENT: { rule: 'amount', pool: 'CREATOR', points: 2, cap: 1000 },
        },
      },
      events: events(
        { type: 'SPENT', member: 'ana', amount: 300 },
        { type: 'SPENT', member: 'ana', amount: -100 },
        { type: 'SPENT', member: 'ben', amount: 100 },
        { type: 'SPENT', member: 'ben', amount: -250 },
        { type: 'SPENT', member: 'cy', amount: 900 },
      ),
    });
    expect(creatorPoints(input)).toEqual({ ana: 400, cy: 1000 });
  });

  it('earns only for active members old enough at period end', () => {
    const input = snapshot({
      members: [
        member('ana', { joinedAt: '2026-01-25T00:00:00Z' }), // exactly 7 days before the end: eligible
        member('ben', { joinedAt: '2026-01-25T00:00:00.001Z' }),
        member('cy', { status: 'suspended' }),
        member('dee', { status: 'inactive' }),
      ],
      events: events({ member: 'ana' }, { member: 'ben' }, { member: 'cy' }, { member: 'dee' }),
    });
    expect(creatorPoints(input)).toEqual({ ana: 10 });
  });

  it('splits each actor budget by distinct objects per author, ignoring self-engagement and ineligible parties', () => {
    const input = snapshot({
      members: [member('ana'), member('ben'), member('cy'), member('new', { joinedAt: '2026-01-31T00:00:00Z' })],
      events: events(
        { type: 'ENGAGED', actor: 'cy', member: 'ana', object: 'ana/1' },
        { type: 'ENGAGED', actor: 'cy', member: 'ana', object: 'ana/1' }, // like and boost: one object
        { type: 'ENGAGED', actor: 'cy', member: 'ben', object: 'ben/1' },
        { type: 'ENGAGED', actor: 'cy', member: 'ben', object: 'ben/2' },
        { type: 'ENGAGED', actor: 'cy', member: 'cy', object: 'cy/1' }, // self
        { type: 'ENGAGED', actor: 'cy', member: 'new', object: 'new/1' }, // ineligible author
        { type: 'ENGAGED', actor: 'new', member: 'ana', object: 'ana/1' }, // ineligible actor
      ),
    });
    expect(creatorPoints(input)).toEqual({ ana: 33, ben: 67 });
  });

  it('lets an allowlisted instance spend one budget for all its users', () => {
    const input = snapshot({
      parameters: { federatedInstances: ['ok.example'] },
      events: events(
        { type: 'ENGAGED', actor: 'instance:ok.example', member: 'ana', object: 'ana/1' },
        { type: 'ENGAGED', actor: 'instance:ok.example', member: 'ana', object: 'ana/2' },
        { type: 'ENGAGED', actor: 'instance:ok.example', member: 'ana', object: 'ana/3' },
        { type: 'ENGAGED', actor: 'instance:ok.example', member: 'ben', object: 'ben/1' },
        { type: 'ENGAGED', actor: 'instance:other.example', member: 'ben', object: 'ben/1' },
      ),
    });
    expect(creatorPoints(input)).toEqual({ ana: 75, ben: 25 });
  });

  it('stays exact past 2^53 and refuses points that cannot be published exactly', () => {
    const big = 2 ** 52;
    const types = { WORKED: { rule: 'amount', pool: 'CREATOR', points: 1, cap: 2 ** 53 - 1 } } as const;
    const amounts = (values: number[]) =>
      events(...values.map((amount) => ({ type: 'WORKED', member: 'ana', amount })));
    // 2^52 + 2^52 − 2^52 + 5: the running sum passes 2^53 and comes back, exactly.
    const back = snapshot({ parameters: { contributionTypes: types }, events: amounts([big, big, -big, 5]) });
    expect(creatorPoints(back)).toEqual({ ana: big + 5 });
    // Capped below 2^53 after passing it: fine.
    const capped = snapshot({ parameters: { contributionTypes: types }, events: amounts([big, big, big]) });
    expect(creatorPoints(capped)).toEqual({ ana: 2 ** 53 - 1 });
    const uncapped = snapshot({
      parameters: { contributionTypes: { WORKED: { ...types.WORKED, cap: null } } },
      events: amounts([big, big, big]),
    });
    expect(thrownProblems(() => scoreSnapshot(uncapped))).toEqual([
      { path: '$.members[0]', message: 'points in pool CREATOR exceed 2^53 − 1' },
      { path: '$.parameters.pools.CREATOR', message: 'total points exceed 2^53 − 1' },
    ]);
  });
});
