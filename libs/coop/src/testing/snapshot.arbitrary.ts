import fc from 'fast-check';
import type { ContributionType, PeriodSnapshot, SnapshotEvent, SnapshotMember } from '../engine/snapshot';
import { MEMBER_STATUSES } from '../engine/snapshot';

const DAY_MS = 86_400_000;
const PERIOD_START = Date.UTC(2026, 0, 1);
const PERIOD_END = Date.UTC(2026, 3, 1);
const POOLS = ['CREATOR', 'CURATION', 'SPEND', 'EQUITY'];
const TYPE_NAMES = ['PUBLISHED', 'ENGAGED', 'CURATED', 'SPENT', 'WORKED'];
const HOSTS = ['a.example', 'b.example', 'c.example'];
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Amounts from 0 to near 2^52 (revenue, costs) or 2^50 (opening balances): large enough that lrm
 * needs BigInt, small enough that every closing balance stays below 2^53.
 */
const money = (max: number) => fc.oneof(fc.constant(0), fc.nat(2_000_000), fc.integer({ min: 0, max }));

/** 10000 bps split over `count` pools (some may get 0). */
const bpsSplit = (count: number) =>
  fc.array(fc.nat(10_000), { minLength: count - 1, maxLength: count - 1 }).map((cuts) => {
    const points = [0, ...cuts.sort((a, b) => a - b), 10_000];
    return points.slice(1).map((point, i) => point - points[i]);
  });

const contributionType = (pools: string[]): fc.Arbitrary<ContributionType> =>
  fc.oneof(
    fc.record({
      rule: fc.constantFrom('count' as const, 'amount' as const),
      pool: fc.constantFrom(...pools),
      points: fc.nat(20),
      cap: fc.option(fc.nat(300), { nil: null }),
    }),
    fc.record({ rule: fc.constant('budget' as const), pool: fc.constantFrom(...pools), budget: fc.nat(200) }),
  );

const parameters = fc.tuple(fc.subarray(POOLS, { minLength: 1 }), fc.nat(10_000)).chain(([pools, reserveBps]) => {
  const pointPools = pools.filter((pool) => pool !== 'EQUITY');
  return fc.record({
    reserveBps: fc.constant(reserveBps),
    commonsBps: fc.nat(10_000 - reserveBps),
    pools: bpsSplit(pools.length).map((bps) => Object.fromEntries(pools.map((pool, i) => [pool, bps[i]]))),
    cashBps: fc.oneof(fc.constantFrom(0, 2000, 10_000), fc.nat(10_000)),
    unitBudget: fc.oneof(fc.nat(5000), fc.maxSafeNat()),
    minMemberAgeDays: fc.nat(40),
    federatedInstances: fc.subarray(HOSTS.slice(0, 2)),
    contributionTypes:
      pointPools.length === 0
        ? fc.constant({})
        : fc
            .subarray(TYPE_NAMES)
            .chain((names) =>
              fc.tuple(...names.map(() => contributionType(pointPools))).map((types) => ({ names, types })),
            )
            .map(({ names, types }) => Object.fromEntries(names.map((name, i) => [name, types[i]]))),
  });
});

/** Member ids: plain, and a few that sort differently by code point and by UTF-16 unit. */
const memberIds = fc.uniqueArray(
  fc.oneof(
    fc.constantFrom('ana', 'ben', 'cy', 'dee', 'eve', 'fay', 'Ωmega', '\u{1F600}', '\uFF21'),
    fc.string({ minLength: 1, maxLength: 4 }),
  ),
  { minLength: 1, maxLength: 9 },
);

const members = (ids: string[], minAgeDays: number): fc.Arbitrary<SnapshotMember[]> => {
  const cutoff = PERIOD_END - minAgeDays * DAY_MS;
  return fc.tuple(
    ...ids.map((id) =>
      fc.record({
        id: fc.constant(id),
        // around the eligibility cutoff, to the millisecond, and well before it
        joinedAt: fc.constantFrom(cutoff - 400 * DAY_MS, cutoff - 1, cutoff, cutoff + 1, PERIOD_END).map(iso),
        status: fc.oneof(fc.constant('active' as const), fc.constantFrom(...MEMBER_STATUSES)),
        vestedUnits: fc.oneof(fc.constant(0), fc.nat(1000)),
      }),
    ),
  );
};

/** Raw choices an event is built from, once members and types are known. */
interface EventSeed {
  kind: number;
  a: number;
  b: number;
  c: number;
  amount: number;
}
const eventSeed: fc.Arbitrary<EventSeed> = fc.record({
  kind: fc.nat(11),
  a: fc.nat(),
  b: fc.nat(),
  c: fc.nat(3),
  amount: fc.integer({ min: -1000, max: 100_000 }),
});

function buildEvents(
  raw: EventSeed[],
  ids: string[],
  types: Readonly<Record<string, ContributionType>>,
): SnapshotEvent[] {
  const names = Object.keys(types);
  const built: SnapshotEvent[] = [];
  raw.forEach(({ kind, a, b, c, amount }, i) => {
    if (kind >= 10 && built.length > 0) {
      built.push({ ...built[a % built.length] }); // redelivered
    } else if (kind >= 8 || names.length === 0) {
      const target = a % 3 === 0 ? `old-${c}` : `ev-${a % (raw.length + 1)}`; // earlier period, or any id
      built.push({ id: `ev-${i}`, type: 'REVERSAL', reverses: target });
    } else {
      const type = names[kind % names.length];
      const author = ids[a % ids.length];
      const base = { id: `ev-${i}`, type, member: author };
      switch (types[type].rule) {
        case 'count':
          built.push(c === 0 ? base : { ...base, object: `${author}/post/${c}` });
          break;
        case 'amount':
          built.push({ ...base, amount });
          break;
        case 'budget': {
          const actor = b % 4 === 0 ? `instance:${HOSTS[b % HOSTS.length]}` : ids[b % ids.length];
          built.push({ ...base, actor, object: `${author}/post/${c}` });
          break;
        }
      }
    }
  });
  return built;
}

/**
 * Valid snapshots (SPEC §3) of every shape the engine must handle: random pools (EQUITY
 * included) and bps, members of every status around the eligibility cutoff, count/amount/budget
 * events with refunds, instance actors, self-engagement, reversals (of events, of reversals, of
 * earlier periods), redeliveries, losses and carryforwards, money near 2^52.
 */
export const validSnapshot: fc.Arbitrary<PeriodSnapshot> = fc
  .record({ parameters, ids: memberIds, seeds: fc.array(eventSeed, { maxLength: 60 }) })
  .chain(({ parameters: params, ids, seeds }) =>
    fc.record({
      format: fc.constant('guildhall.period-snapshot/1' as const),
      period: fc.constant({ id: '2026-Q1', start: iso(PERIOD_START), end: iso(PERIOD_END) }),
      parameters: fc.constant(params),
      opening: fc.record({ reserve: money(2 ** 50), commons: money(2 ** 50), lossCarryforward: money(2 ** 50) }),
      money: fc.record({ revenue: money(2 ** 52), costs: money(2 ** 52) }),
      members: members(ids, params.minMemberAgeDays),
      events: fc.constant(buildEvents(seeds, ids, params.contributionTypes)),
    }),
  );
