// A synthetic period snapshot (guildhall.period-snapshot/1, libs/coop SPEC §3) of any size, for
// the period-close benchmarks: deterministic for a seed, valid, and shaped like a real quarter —
// popular authors (skewed choice), every status, members too new to earn, vested units for an
// EQUITY pool, likes from allowlisted and other instances, self-engagement, refunds, reversals
// (of events, of earlier periods) and redelivered events.

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES = ['inactive', 'suspended', 'withdrawn', 'expelled'];

/**
 * A valid snapshot with `members` members and exactly `events` events (ids `ev-<n>`; about 2% are
 * redeliveries of an earlier event, 3% reversals). Revenue scales with the membership.
 */
export function generateSnapshot({ members: memberCount, events: eventCount, seed = 1 }) {
  const random = prng(seed);
  const int = (n) => Math.floor(random() * n);
  /** Skewed towards low indexes: a few popular members, a long tail. */
  const popular = () => Math.floor(memberCount * random() * random());
  const ids = Array.from({ length: memberCount }, (_, i) => `m${String(i).padStart(7, '0')}`);
  const members = ids.map((id) => {
    const roll = random();
    return {
      id,
      joinedAt: roll < 0.05 ? '2026-03-30T12:00:00Z' : `2025-0${1 + int(9)}-1${int(10)}T08:30:00Z`,
      status: roll < 0.92 ? 'active' : STATUSES[int(STATUSES.length)],
      vestedUnits: random() < 0.4 ? 1 + int(5000) : 0,
    };
  });
  const events = new Array(eventCount);
  for (let i = 0; i < eventCount; i++) {
    const roll = random();
    const id = `ev-${i}`;
    if (roll < 0.02 && i > 0) {
      events[i] = { ...events[int(i)] }; // delivered twice
    } else if (roll < 0.05) {
      events[i] = { id, type: 'REVERSAL', reverses: random() < 0.8 && i > 0 ? `ev-${int(i)}` : `old-${int(1000)}` };
    } else if (roll < 0.35) {
      const member = ids[popular()];
      events[i] = { id, type: 'PUBLISHED', member, object: `${member}/post/${int(40)}` };
    } else if (roll < 0.7) {
      const author = ids[popular()];
      const actorRoll = random();
      const actor =
        actorRoll < 0.03 ? 'instance:a.example' : actorRoll < 0.05 ? 'instance:z.example' : ids[int(memberCount)];
      events[i] = { id, type: 'ENGAGED', actor, member: author, object: `${author}/post/${int(40)}` };
    } else if (roll < 0.8) {
      events[i] = { id, type: 'CURATED', member: ids[popular()], object: `${ids[int(memberCount)]}/post/${int(40)}` };
    } else if (roll < 0.85) {
      events[i] = { id, type: 'MODERATED', member: ids[int(Math.max(1, memberCount / 100))] };
    } else {
      const amount = random() < 0.05 ? -(1 + int(2000)) : 100 + int(20_000);
      events[i] = { id, type: 'SPENT', member: ids[int(memberCount)], amount };
    }
  }
  return {
    format: 'guildhall.period-snapshot/1',
    period: { id: '2026-Q1', start: '2026-01-01T00:00:00Z', end: '2026-04-01T00:00:00Z' },
    parameters: {
      reserveBps: 2500,
      commonsBps: 500,
      pools: { CREATOR: 5000, CURATION: 1500, SPEND: 2500, EQUITY: 1000 },
      cashBps: 2000,
      unitBudget: 100 * memberCount,
      minMemberAgeDays: 7,
      federatedInstances: ['a.example', 'b.example'],
      contributionTypes: {
        PUBLISHED: { rule: 'count', pool: 'CREATOR', points: 10, cap: 100 },
        ENGAGED: { rule: 'budget', pool: 'CREATOR', budget: 100 },
        CURATED: { rule: 'count', pool: 'CURATION', points: 4, cap: 100 },
        MODERATED: { rule: 'count', pool: 'CURATION', points: 5, cap: 100 },
        SPENT: { rule: 'amount', pool: 'SPEND', points: 1, cap: null },
      },
    },
    opening: { reserve: 1_000_000, commons: 0, lossCarryforward: 250_000 },
    money: { revenue: 650 * memberCount * 100, costs: 150 * memberCount * 100 },
    members,
    events,
  };
}
