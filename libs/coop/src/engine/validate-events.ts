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
import { NONE, type EventColumns } from './event-columns';
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

/**
 * validateEvents for events as columns (inspectColumns), for the valid case only: records each
 * event's names in `index` as validateEvents does and returns true when every event passes every
 * check validateEvents makes and the ids strictly ascend (so none repeats); false at the first
 * thing that would be a problem or a redelivery there, for the caller to ask the document. Each
 * string is judged once, by its code.
 */
export function indexEventColumns(
  columns: EventColumns,
  types: ReadonlyMap<string, ContributionRule | undefined>,
  index: SnapshotIndex,
): boolean {
  const { count, strings, ids, idBytes, type, member, actor, object, amount } = columns;
  if (idBytes < 1) return count === 0;
  const typeIndex = new Map<string, number>();
  for (const name of types.keys()) typeIndex.set(name, index.typeNames.push(name) - 1);
  const rules = index.typeNames.map((name) => types.get(name));
  // Per code, what it names: a type index, a member index or an actor code; UNSEEN until asked.
  const asType = new Int32Array(strings.length).fill(UNSEEN);
  const asMember = new Int32Array(strings.length).fill(UNSEEN);
  const asActor = new Int32Array(strings.length).fill(UNSEEN);
  const texts = new Uint8Array(strings.length); // 1: a non-empty string, 2: not one; 0: not judged yet
  const isText = (code: number): boolean =>
    (texts[code] || (texts[code] = typeof strings[code] === 'string' && strings[code] !== '' ? 1 : 2)) === 1;
  for (let i = 0; i < count; i++) {
    // (event i − 1's id against event i's: −1 when it comes first)
    if (i > 0 && ids.compare(ids, i * idBytes, (i + 1) * idBytes, (i - 1) * idBytes, i * idBytes) >= 0) return false;
    const t = type[i];
    if (t < 0 || t >= strings.length) return false;
    if (asType[t] === UNSEEN) {
      const known = isText(t) && strings[t] !== REVERSAL ? typeIndex.get(strings[t]) : undefined;
      asType[t] = known ?? INVALID;
    }
    const typeAt = asType[t];
    if (typeAt === INVALID) return false;
    index.eventType[i] = typeAt;
    const rule = rules[typeAt];
    const m = member[i];
    if (m < 0 || m >= strings.length) return false;
    if (asMember[m] === UNSEEN) asMember[m] = isText(m) ? (index.memberIndex.get(strings[m]) ?? INVALID) : INVALID;
    if (asMember[m] === INVALID) return false;
    index.eventMember[i] = asMember[m];
    const a = actor[i];
    if (a !== NONE) {
      if (a < 0 || a >= strings.length) return false;
      if (asActor[a] === UNSEEN) asActor[a] = isText(a) ? actorCode(strings[a], index) : INVALID;
      if (asActor[a] === INVALID) return false;
      index.eventActor[i] = asActor[a];
    } else if (rule === 'budget') return false;
    const o = object[i];
    if (o !== NONE ? o < 0 || o >= strings.length || !isText(o) : rule === 'budget') return false;
    const value = amount[i];
    if ((!Number.isNaN(value) || rule === 'amount') && !Number.isSafeInteger(value)) return false;
  }
  return true;
}

/** Not yet looked up (indexEventColumns). */
const UNSEEN = -0x7fffffff;
/** Looked up and not valid (indexEventColumns); below every actor code a host count could give. */
const INVALID = -0x7ffffffe;

/** An actor's code as EventChecker's actorCode gives it for a valid actor; INVALID for one it reports. */
function actorCode(actor: string, index: SnapshotIndex): number {
  if (!actor.startsWith(INSTANCE_ACTOR_PREFIX)) return index.memberIndex.get(actor) ?? INVALID;
  if (actor.length === INSTANCE_ACTOR_PREFIX.length) return INVALID;
  return index.instanceActor(actor.slice(INSTANCE_ACTOR_PREFIX.length));
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
