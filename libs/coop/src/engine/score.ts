import { InvalidSnapshotError } from '../coop.exception';
import { Eligibility } from './eligibility';
import { addExact, mulExact, toSafeNumber, type Exact } from './exact';
import { lrm, type LrmPart } from './lrm';
import { MemberTally } from './member-tally';
import { EQUITY_POOL, type ContributionEvent, type ContributionType, type PeriodSnapshot } from './snapshot';
import { REVERSAL_TYPE, type SnapshotIndex } from './snapshot-index';
import { childPath, type SnapshotProblem } from './snapshot-problem';
import { inspectSnapshot } from './validate-snapshot';

/** Points per pool (every non-EQUITY pool, in parameter order) per member, by index in `members`. */
export type PoolPoints = Map<string, Float64Array>;

/** What one contribution type gathers from the live events of eligible members, by member index. */
interface Tally {
  readonly definition: ContributionType;
  /** count: events per member; amount: Σ amount per member. */
  readonly perMember: MemberTally;
  /** budget: actor → author index → the distinct objects engaged with (one string until two). */
  readonly engaged: Map<number, Map<number, string | Set<string>>>;
}

/**
 * SPEC §4 in one pass over the events: de-duplicated by id, reversed events dropped, each live
 * event tallied under its type by member index; then each type's rule turns its tally into points.
 * `index` is what validation learned (inspectSnapshot); without it the snapshot is validated here.
 * Throws InvalidSnapshotError for an invalid snapshot, or when a member's points or a pool's total
 * do not fit a safe integer (they could not be published exactly).
 */
export function scoreSnapshot(
  snapshot: PeriodSnapshot,
  index: SnapshotIndex = indexOf(snapshot),
  fields: EventFields = documentFields(snapshot.events),
): PoolPoints {
  const eligibility = new Eligibility(snapshot, index);
  const memberCount = snapshot.members.length;
  const tallies: Tally[] = index.typeNames.map((name) => ({
    definition: snapshot.parameters.contributionTypes[name],
    perMember: new MemberTally(memberCount),
    engaged: new Map(),
  }));
  const { eventType, eventMember, eventActor, redelivered } = index;
  const reversed = reversedEvents(snapshot, index);
  for (let i = 0; i < eventType.length; i++) {
    const type = eventType[i];
    if (type === REVERSAL_TYPE || redelivered[i] === 1 || reversed[i] === 1) continue;
    const author = eventMember[i];
    if (!eligibility.member(author)) continue; // only eligible members earn; engagement on others is ignored
    const entry = tallies[type];
    switch (entry.definition.rule) {
      case 'count':
        entry.perMember.add(author, 1);
        break;
      case 'amount':
        entry.perMember.add(author, fields.amount(i));
        break;
      case 'budget': {
        const actor = eventActor[i];
        if (actor !== author && eligibility.actor(actor)) engage(entry.engaged, actor, author, fields.object(i));
        break; // self-engagement and ineligible actors are ignored
      }
    }
  }
  const points = new Map<string, MemberTally>();
  for (const pool of Object.keys(snapshot.parameters.pools)) {
    if (pool !== EQUITY_POOL) points.set(pool, new MemberTally(memberCount));
  }
  for (const entry of tallies) addPoints(entry, points.get(entry.definition.pool)!, snapshot);
  return toSafePoints(snapshot, points);
}

/**
 * What scoring reads of a live event beyond the index: the amount of an `amount` event and the
 * object of a `budget` one (both there in a valid snapshot). From the document's objects, or from
 * columns (ADR 0073).
 */
export interface EventFields {
  amount(i: number): number;
  object(i: number): string;
}

function documentFields(events: PeriodSnapshot['events']): EventFields {
  return {
    amount: (i) => (events[i] as ContributionEvent).amount!,
    object: (i) => (events[i] as ContributionEvent).object!,
  };
}

function indexOf(snapshot: PeriodSnapshot): SnapshotIndex {
  const { problems, index } = inspectSnapshot(snapshot);
  if (problems.length > 0) throw new InvalidSnapshotError(problems);
  return index;
}

/** §4.2: 1 for each event a REVERSAL removes (not a reversal itself; absent targets do nothing). */
export function reversedEvents(snapshot: PeriodSnapshot, index: SnapshotIndex): Uint8Array {
  const reversed = new Uint8Array(index.eventType.length);
  index.eventType.forEach((type, i) => {
    if (type !== REVERSAL_TYPE) return;
    const target = index.firstEvent.get((snapshot.events[i] as { reverses: string }).reverses);
    if (target !== undefined && index.eventType[target] !== REVERSAL_TYPE) reversed[target] = 1;
  });
  return reversed;
}

function engage(engaged: Tally['engaged'], actor: number, author: number, object: string): void {
  let authors = engaged.get(actor);
  if (!authors) engaged.set(actor, (authors = new Map<number, string | Set<string>>()));
  const objects = authors.get(author);
  if (objects === undefined) authors.set(author, object);
  else if (typeof objects !== 'string') objects.add(object);
  else if (objects !== object) authors.set(author, new Set([objects, object]));
}

function addPoints(entry: Tally, pool: MemberTally, snapshot: PeriodSnapshot): void {
  const { definition, perMember } = entry;
  switch (definition.rule) {
    case 'count':
    case 'amount': {
      const { points, cap } = definition;
      for (const member of perMember.nonZero()) {
        const value = mulExact(perMember.get(member), points);
        if (value > 0) pool.add(member, cap !== null && value > cap ? cap : value); // below 0 becomes 0
      }
      return;
    }
    case 'budget':
      for (const authors of entry.engaged.values()) {
        for (const [author, share] of budgetShares(definition.budget, authors, snapshot)) pool.add(author, share);
      }
  }
}

/**
 * §4.6 for one actor: its `budget` split with `lrm` over the authors it engaged with, weighted by
 * the distinct objects of each (`authors`: author index → one object, or the set of them).
 */
export function budgetShares(
  budget: number,
  authors: ReadonlyMap<number, string | ReadonlySet<string>>,
  snapshot: PeriodSnapshot,
): Map<number, number> {
  const parts: LrmPart[] = [];
  for (const [author, objects] of authors) {
    parts.push([snapshot.members[author].id, typeof objects === 'string' ? 1 : objects.size]);
  }
  const shares = lrm(budget, parts);
  let i = 0;
  const byAuthor = new Map<number, number>();
  for (const author of authors.keys()) byAuthor.set(author, shares[i++]);
  return byAuthor;
}

function toSafePoints(snapshot: PeriodSnapshot, points: Map<string, MemberTally>): PoolPoints {
  const problems: SnapshotProblem[] = [];
  const result: PoolPoints = new Map();
  for (const [pool, tally] of points) {
    const safe = new Float64Array(snapshot.members.length);
    let basis: Exact = 0;
    for (const member of tally.nonZero()) {
      const value = tally.get(member);
      const number = toSafeNumber(value);
      if (number === null) {
        problems.push({ path: `$.members[${member}]`, message: `points in pool ${pool} exceed 2^53 − 1` });
      } else safe[member] = number;
      basis = addExact(basis, value);
    }
    if (toSafeNumber(basis) === null) {
      problems.push({ path: childPath('$.parameters.pools', pool), message: 'total points exceed 2^53 − 1' });
    }
    result.set(pool, safe);
  }
  if (problems.length > 0) throw new InvalidSnapshotError(problems);
  return result;
}
