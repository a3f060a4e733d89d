import { canonicalJson } from './canonical-json';
import {
  checkArray,
  checkInteger,
  checkObject,
  checkString,
  field,
  type JsonObject,
  type ProblemList,
} from './field-checks';
import { INSTANCE_ACTOR_PREFIX, REVERSAL, type ContributionRule } from './snapshot';
import { REVERSAL_TYPE, type SnapshotIndex } from './snapshot-index';
import { childPath } from './snapshot-problem';

/** What the rest of the snapshot says about the names events use; null when that part was unusable. */
export interface EventContext {
  /** Whether `index.memberIndex` holds the members (false when `members` was not an array). */
  readonly membersKnown: boolean;
  readonly types: ReadonlyMap<string, ContributionRule | undefined> | null;
}

/**
 * SPEC §3–§4 events: ids, known types and members, actors (members or `instance:HOST`), the fields
 * each rule needs. An event delivered twice (same id, same content) is checked once; two different
 * events under one id are a problem. Records each event's names as numbers in `index`.
 *
 * A snapshot may hold a million events, so the valid case is checked inline and paths are only
 * built for problems. Event fields are read directly: none of their names is on Object.prototype.
 */
export function validateEvents(
  snapshot: JsonObject,
  context: EventContext,
  index: SnapshotIndex,
  problems: ProblemList,
): void {
  const events = checkArray(field(snapshot, 'events', '$', problems), '$.events', problems);
  if (!events) return;
  const types = new Map<string, { index: number; rule: ContributionRule | undefined }>();
  for (const [name, rule] of context.types ?? []) types.set(name, { index: index.typeNames.push(name) - 1, rule });
  const checker = new EventChecker(context.types ? types : null, context.membersKnown, index, problems);
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      checkObject(event, `$.events[${i}]`, problems);
      continue;
    }
    const id = (event as JsonObject).id;
    if (isText(id)) {
      const first = index.firstEvent.addIfAbsent(id, i); // undefined: the first event with this id
      if (first !== undefined) {
        if (sameContent(events[first], event)) {
          index.redelivered[i] = 1; // counts once, checked once
          continue;
        }
        problems.add(`$.events[${i}]`, `differs from $.events[${first}], which has the same id ${JSON.stringify(id)}`);
      }
    } else {
      checker.reportText(id, i, 'id');
    }
    checker.check(event as JsonObject, i);
  }
}

class EventChecker {
  constructor(
    private readonly types: ReadonlyMap<string, { index: number; rule: ContributionRule | undefined }> | null,
    private readonly membersKnown: boolean,
    private readonly index: SnapshotIndex,
    private readonly problems: ProblemList,
  ) {}

  check(event: JsonObject, i: number): void {
    const type = event.type;
    if (!isText(type)) this.reportText(type, i, 'type');
    else if (type === REVERSAL) {
      this.index.eventType[i] = REVERSAL_TYPE;
      if (!isText(event.reverses)) this.reportText(event.reverses, i, 'reverses');
      return;
    }
    let rule: ContributionRule | undefined;
    if (isText(type) && this.types) {
      const known = this.types.get(type);
      if (known) {
        this.index.eventType[i] = known.index;
        rule = known.rule;
      } else this.problems.add(`$.events[${i}].type`, `unknown contribution type ${JSON.stringify(type)}`);
    }
    const member = event.member;
    if (!isText(member)) this.reportText(member, i, 'member');
    else this.index.eventMember[i] = this.memberIndex(member, i, 'member', unknownMember);
    const actor = event.actor;
    if (actor !== undefined || rule === 'budget') {
      if (!isText(actor)) this.reportText(actor, i, 'actor');
      else this.index.eventActor[i] = this.actorCode(actor, i);
    }
    if ((event.object !== undefined || rule === 'budget') && !isText(event.object)) {
      this.reportText(event.object, i, 'object');
    }
    const amount = event.amount;
    if ((amount !== undefined || rule === 'amount') && !Number.isSafeInteger(amount)) {
      if (amount === undefined) this.problems.add(`$.events[${i}].amount`, 'missing');
      else checkInteger(amount, `$.events[${i}].amount`, this.problems);
    }
  }

  /** The problem with a field that is not a non-empty string (missing, empty or another type). */
  reportText(value: unknown, i: number, key: string): void {
    const path = childPath(`$.events[${i}]`, key);
    if (value === undefined) this.problems.add(path, 'missing');
    else checkString(value, path, this.problems);
  }

  private memberIndex(id: string, i: number, key: string, unknown: (quoted: string) => string): number {
    const member = this.index.memberIndex.get(id);
    if (member !== undefined) return member;
    if (this.membersKnown) this.problems.add(`$.events[${i}].${key}`, unknown(JSON.stringify(id)));
    return -1;
  }

  private actorCode(actor: string, i: number): number {
    if (!actor.startsWith(INSTANCE_ACTOR_PREFIX)) {
      return this.memberIndex(actor, i, 'actor', unknownActor);
    }
    if (actor.length === INSTANCE_ACTOR_PREFIX.length) {
      this.problems.add(`$.events[${i}].actor`, 'instance actor without a host');
    }
    return this.index.instanceActor(actor.slice(INSTANCE_ACTOR_PREFIX.length));
  }
}

const unknownMember = (quoted: string) => `unknown member ${quoted}`;
const unknownActor = (quoted: string) => `unknown actor ${quoted} (neither a member nor instance:HOST)`;

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function sameContent(a: unknown, b: unknown): boolean {
  try {
    return canonicalJson(a) === canonicalJson(b);
  } catch {
    return false; // not JSON at all: its fields are reported below
  }
}
