import { InvalidSnapshotError } from '../coop.exception';
import { Eligibility } from './eligibility';
import { minusDays, parseRfc3339, type Instant } from './rfc3339';
import { budgetShares, reversedEvents, scoreSnapshot } from './score';
import {
  INSTANCE_ACTOR_PREFIX,
  type ContributionEvent,
  type ContributionRule,
  type MemberStatus,
  type PeriodParameters,
  type PeriodSnapshot,
  type ReversalEvent,
} from './snapshot';
import { REVERSAL_TYPE, type SnapshotIndex } from './snapshot-index';
import { inspectSnapshot } from './validate-snapshot';

/**
 * What became of one of a member's events under SPEC §4:
 * - `counted`: it scores (a `count` or `amount` event; `points` says how much);
 * - `over-cap`: a `count` event past its type's cap, scoring nothing;
 * - `engaged`: engagement received that takes part of its actor's budget (see `budgets`);
 * - `reversed`: a REVERSAL removed it (the post was deleted, the like or boost undone…);
 * - `redelivered`: the same event delivered again (counts once);
 * - `member-ineligible`: the member earns nothing this period (not active, or too young);
 * - `self-engagement`: engagement with one's own post;
 * - `actor-ineligible`: engagement from a member who is not eligible, or a server not federated.
 */
export type EventOutcome =
  | 'counted'
  | 'over-cap'
  | 'engaged'
  | 'reversed'
  | 'redelivered'
  | 'member-ineligible'
  | 'self-engagement'
  | 'actor-ineligible';

export interface ExplainedEvent {
  id: string;
  type: string;
  rule: ContributionRule;
  pool: string;
  object: string | null;
  actor: string | null;
  amount: number | null;
  outcome: EventOutcome;
  /** The points it adds (count: up to the cap; amount: amount × points); null for budget events. */
  points: number | null;
  /** The REVERSAL that removed it. */
  reversedBy: string | null;
}

/** One actor's engagement budget, as it reaches the member (SPEC §4.6). */
export interface BudgetShare {
  type: string;
  pool: string;
  actor: string;
  /** The distinct objects of the member the actor engaged with (its weight in the split). */
  objects: number;
  /** The actor's whole budget this period. */
  budget: number;
  /** The member's share of it (largest remainder over every author the actor engaged with). */
  points: number;
}

export interface TypePoints {
  type: string;
  rule: ContributionRule;
  pool: string;
  /** The type's points for the member, by the engine's rules (caps and budgets applied). */
  points: number;
}

export interface MemberExplanation {
  member: string;
  status: MemberStatus;
  eligible: boolean;
  /** The instant from which the member is old enough (joinedAt + minMemberAgeDays), RFC 3339. */
  oldEnoughAt: string;
  /** The member's events (as author), in snapshot order. */
  events: ExplainedEvent[];
  budgets: BudgetShare[];
  byType: TypePoints[];
  /** Points per pool, as scoreSnapshot gives them (only pools with points). */
  points: Record<string, number>;
}

/** Each contribution type as its own pool: the engine then scores the types one by one. */
function perTypeSnapshot(snapshot: PeriodSnapshot): { snapshot: PeriodSnapshot; poolOf: Map<string, string> } {
  const types = Object.keys(snapshot.parameters.contributionTypes);
  const poolOf = new Map(types.map((type) => [`type:${type}`, type]));
  const pools: Record<string, number> = {};
  types.forEach((type, i) => (pools[`type:${type}`] = i === 0 ? 10_000 : 0));
  const contributionTypes: PeriodParameters['contributionTypes'] = Object.fromEntries(
    types.map((type) => [type, { ...snapshot.parameters.contributionTypes[type], pool: `type:${type}` }]),
  );
  return { snapshot: { ...snapshot, parameters: { ...snapshot.parameters, pools, contributionTypes } }, poolOf };
}

function instant(text: string): Instant {
  const parsed = parseRfc3339(text);
  if (!parsed) throw new TypeError(`not an RFC 3339 timestamp: ${text}`);
  return parsed;
}

/**
 * Why a member scores what it scores in a snapshot: each of its events with what became of it,
 * each actor's budget share, and its points per type and per pool. The totals are the engine's
 * own (scoreSnapshot, once as published and once with each type as its own pool); the per-event
 * outcomes use the engine's eligibility, reversal and budget-split rules (§4.2, §4.3, §4.6).
 * Throws InvalidSnapshotError for an invalid snapshot or a member it does not list.
 */
export function explainMember(snapshot: PeriodSnapshot, memberId: string): MemberExplanation {
  const { problems, index } = inspectSnapshot(snapshot);
  if (problems.length > 0) throw new InvalidSnapshotError(problems);
  const me = index.memberIndex.get(memberId);
  if (me === undefined) throw new InvalidSnapshotError([{ path: '$.members', message: `no member ${memberId}` }]);
  const parameters = snapshot.parameters;
  const eligibility = new Eligibility(snapshot, index);
  const reversed = reversedEvents(snapshot, index);
  const reversedBy = reversalsOf(snapshot, index);

  const events: ExplainedEvent[] = [];
  const counted = new Map<string, number>();
  const engagedBy = new Map<string, Map<number, Map<number, Set<string>>>>();
  snapshot.events.forEach((raw, i) => {
    const type = index.eventType[i];
    if (type === REVERSAL_TYPE || index.eventMember[i] !== me) return;
    const event = raw as ContributionEvent;
    const definition = parameters.contributionTypes[event.type];
    const explained: ExplainedEvent = {
      id: event.id,
      type: event.type,
      rule: definition.rule,
      pool: definition.pool,
      object: event.object ?? null,
      actor: event.actor ?? null,
      amount: event.amount ?? null,
      outcome: 'counted',
      points: null,
      reversedBy: null,
    };
    events.push(explained);
    if (index.redelivered[i] === 1) explained.outcome = 'redelivered';
    else if (reversed[i] === 1) {
      explained.outcome = 'reversed';
      explained.reversedBy = reversedBy.get(event.id) ?? null;
    } else if (!eligibility.member(me)) explained.outcome = 'member-ineligible';
    else if (definition.rule === 'count') {
      const before = counted.get(event.type) ?? 0;
      const room =
        definition.cap === null ? definition.points : Math.max(0, Math.min(definition.points, definition.cap - before));
      counted.set(event.type, before + room);
      explained.points = room;
      if (room === 0) explained.outcome = 'over-cap';
    } else if (definition.rule === 'amount') {
      explained.points = (event.amount ?? 0) * definition.points;
    } else {
      const actor = index.eventActor[i];
      if (actor === me) explained.outcome = 'self-engagement';
      else if (!eligibility.actor(actor)) explained.outcome = 'actor-ineligible';
      else explained.outcome = 'engaged';
    }
    if (definition.rule === 'budget' && explained.outcome === 'engaged') {
      let byActor = engagedBy.get(event.type);
      if (!byActor) engagedBy.set(event.type, (byActor = new Map<number, Map<number, Set<string>>>()));
      if (!byActor.has(index.eventActor[i])) byActor.set(index.eventActor[i], new Map());
    }
  });

  const budgets = budgetSharesOf(snapshot, index, me, engagedBy, eligibility, reversed);
  const typed = perTypeSnapshot(snapshot);
  const typePoints = scoreSnapshot(typed.snapshot);
  const byType: TypePoints[] = Object.keys(parameters.contributionTypes).map((type) => ({
    type,
    rule: parameters.contributionTypes[type].rule,
    pool: parameters.contributionTypes[type].pool,
    points: typePoints.get(`type:${type}`)?.[me] ?? 0,
  }));
  const points: Record<string, number> = {};
  for (const [pool, perMember] of scoreSnapshot(snapshot, index)) if (perMember[me] !== 0) points[pool] = perMember[me];
  const joinedAt = instant(snapshot.members[me].joinedAt);
  const oldEnough = minusDays(joinedAt, -parameters.minMemberAgeDays);
  return {
    member: memberId,
    status: snapshot.members[me].status,
    eligible: eligibility.member(me),
    oldEnoughAt: new Date(oldEnough.seconds * 1000).toISOString(),
    events,
    budgets,
    byType,
    points,
  };
}

/** Each reversed event's id → the id of the first REVERSAL naming it. */
function reversalsOf(snapshot: PeriodSnapshot, index: SnapshotIndex): Map<string, string> {
  const by = new Map<string, string>();
  snapshot.events.forEach((event, i) => {
    if (index.eventType[i] !== REVERSAL_TYPE) return;
    const { reverses, id } = event as ReversalEvent;
    if (!by.has(reverses)) by.set(reverses, id);
  });
  return by;
}

/**
 * For each budget type and each actor that engaged with the member: the actor's split over every
 * author it engaged with (the same live, eligible events scoreSnapshot counts), the member's share.
 */
function budgetSharesOf(
  snapshot: PeriodSnapshot,
  index: SnapshotIndex,
  me: number,
  engagedBy: Map<string, Map<number, Map<number, Set<string>>>>,
  eligibility: Eligibility,
  reversed: Uint8Array,
): BudgetShare[] {
  const shares: BudgetShare[] = [];
  snapshot.events.forEach((raw, i) => {
    const type = index.eventType[i];
    if (type === REVERSAL_TYPE || index.redelivered[i] === 1 || reversed[i] === 1) return;
    const event = raw as ContributionEvent;
    const authors = engagedBy.get(event.type)?.get(index.eventActor[i]);
    const author = index.eventMember[i];
    if (!authors || author === index.eventActor[i] || !eligibility.member(author)) return;
    let objects = authors.get(author);
    if (!objects) authors.set(author, (objects = new Set()));
    objects.add(event.object!);
  });
  for (const [type, byActor] of engagedBy) {
    const definition = snapshot.parameters.contributionTypes[type];
    if (definition.rule !== 'budget') continue;
    for (const [actor, authors] of byActor) {
      const split = budgetShares(definition.budget, authors, snapshot);
      shares.push({
        type,
        pool: definition.pool,
        actor: actorName(snapshot, index, actor),
        objects: authors.get(me)?.size ?? 0,
        budget: definition.budget,
        points: split.get(me) ?? 0,
      });
    }
  }
  return shares;
}

function actorName(snapshot: PeriodSnapshot, index: SnapshotIndex, actor: number): string {
  return actor >= 0 ? snapshot.members[actor].id : `${INSTANCE_ACTOR_PREFIX}${index.instanceHosts[-2 - actor]}`;
}
