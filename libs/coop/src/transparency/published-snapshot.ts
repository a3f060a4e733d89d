import { hash, randomBytes } from 'node:crypto';
import { canonicalHash } from '../engine/canonical-json';
import { eventObjects, NONE, type EventColumns } from '../engine/event-columns';
import { ownString, type RecordedEvents } from '../engine/recorded-event-text';
import { StringIndex } from '../engine/string-index';
import { nameOrder, sortByName } from './name-order';
import {
  EQUITY_POOL,
  INSTANCE_ACTOR_PREFIX,
  REVERSAL,
  type ContributionEvent,
  type ContributionRule,
  type PeriodSnapshot,
  type SnapshotEvent,
  type SnapshotMember,
} from '../engine/snapshot';

/**
 * The snapshot a close publishes and runs (ADR 0022): everything a replay needs, no private fact.
 * `internalInputHash` commits to the snapshot the platform built (handles, post and like ids,
 * payment ids), which stays in the database: an auditor holding it and the period's key can
 * derive this document again and check both hashes.
 */
export type PublishedSnapshot = PeriodSnapshot & { readonly internalInputHash: string };

const DAY_MS = 86_400_000;
/** 96 bits of SHA-256: collisions among a million names are ~2^-57 likely. */
const NAME_HEX = 24;

/** A new period key: 256 random bits, hex. Never published. */
export const newPseudonymKey = (): string => randomBytes(32).toString('hex');

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
/** Where keyedName writes a name before reading it back as one string. */
const NAME_BYTES = Buffer.alloc(2 + NAME_HEX);

/**
 * `prefix` (two ASCII characters) and the first NAME_HEX hex digits of
 * SHA-256(key ‖ ":" ‖ kind ‖ ":" ‖ value) (`hash`, ~6× faster than createHash per short string: a
 * close hashes ~1M), as one flat string: `prefix + hex.slice(…)` would be a rope holding a slice of
 * the whole 64-digit digest, which a close's million ids then pay for in memory and in every
 * comparison, sort and JSON.stringify (each ~3–5× slower on such ropes, ADR 0065).
 */
function keyedName(prefix: string, key: string, kind: string, value: string): string {
  writeName(NAME_BYTES, 0, prefix, key, kind, value);
  return NAME_BYTES.toString('latin1');
}

/** keyedName's bytes (ASCII), written into `target` at `at`. */
function writeName(target: Buffer, at: number, prefix: string, key: string, kind: string, value: string): void {
  // 'binary' (latin1: one character a byte) is ~3× faster per call than a Buffer, a little faster than hex.
  const digest = hash('sha256', `${key}:${kind}:${value}`, 'binary');
  target[at] = prefix.charCodeAt(0);
  target[at + 1] = prefix.charCodeAt(1);
  for (let i = 0; i < NAME_HEX / 2; i++) {
    const byte = digest.charCodeAt(i);
    target[at + 2 + 2 * i] = HEX_DIGITS[byte >> 4];
    target[at + 3 + 2 * i] = HEX_DIGITS[byte & 15];
  }
}

/**
 * A member's name in one period's published snapshot and result: `m-` and 96 bits of
 * SHA-256(key ‖ ":member:" ‖ username). The key is fixed-length and secret and the output
 * truncated, so without the key a name says nothing (and cannot be extended or linked to the
 * member's name in another period). The transparency repository computes the same in SQL.
 */
export const memberPseudonym = (key: string, username: string): string => keyedName('m-', key, 'member', username);

/** The SQL of memberPseudonym for a period row `p` and a username parameter. */
export const memberPseudonymSql = (period: string, username: string): string =>
  `'m-' || left(encode(sha256(convert_to(${period}.pseudonym_key || ':member:' || ${username}, 'UTF8')), 'hex'), ${NAME_HEX})`;

/**
 * The published snapshot of `internal` under `key` (deterministic: verify derives it again):
 * - members by pseudonym; only those an event names, and (with an EQUITY pool) the active ones
 *   holding vested units; `joinedAt` is the eligibility boundary (`end − minMemberAgeDays`) for a
 *   member old enough and one millisecond after it for one too young (the exact admission time
 *   would link a pseudonym across periods); `vestedUnits` only when EQUITY uses them, else 0;
 * - duplicates and reversed events left out, reversals too (they score nothing, SPEC §4.1–§4.2);
 * - `amount` events (SPENT: payments and refunds) summed per member and type, one event each: no
 *   provider id, no single payment;
 * - object and event ids keyed hashes (the budget rule counts distinct objects: still distinct);
 * - `instance:HOST` engagement kept only for federated hosts (others score nothing);
 * - members and events in code-point order of their new ids (recording order says nothing).
 * Scoring and allocation are those of `internal`, but member ids order the lrm ties: so the
 * close runs the engine on this document, never on `internal`.
 */
export function publishSnapshot(internal: PeriodSnapshot, key: string): PublishedSnapshot {
  return publish(internal, key).snapshot;
}

/** publishSnapshot, and the pseudonym of each member it lists (by username). */
export function publish(
  internal: PeriodSnapshot,
  key: string,
): { snapshot: PublishedSnapshot; pseudonyms: ReadonlyMap<string, string> } {
  const seen = new Set<string>();
  const kept: ContributionEvent[] = [];
  const reversed = new Set<string>();
  for (const event of internal.events) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    if (event.type === REVERSAL) reversed.add((event as { reverses: string }).reverses);
    else kept.push(event as ContributionEvent);
  }
  const { events: _events, ...head } = internal;
  const publisher = new SnapshotPublisher(head, key, reversed);
  publisher.add(kept);
  return publisher.finish(canonicalHash(internal));
}

/**
 * publish() for events that arrive in chunks (a close streams them from the database, never
 * holding the internal snapshot): `reversed` holds the id every REVERSAL of the snapshot
 * reverses, known before the events; `add` takes the events in snapshot order, each id once
 * (a REVERSAL among them is skipped: `reversed` has what it does); `finish` takes the internal
 * snapshot's canonical hash (CanonicalArrayHash over the same chunks) and gives what publish()
 * gives for the whole internal snapshot.
 */
export class SnapshotPublisher {
  private readonly types: PeriodSnapshot['parameters']['contributionTypes'];
  private readonly federated: ReadonlySet<string>;
  private readonly pseudonyms = new Map<string, string>();
  // The published events as columns (ADR 0065, ADR 0073): their ids as bytes, ID_BYTES each, sorted
  // in finish as numbers; their strings (types, pseudonyms, actors, object names) as codes into
  // `strings`, one code per distinct string. Pseudonyms and object names are looked up by the
  // internal value they stand for; types and instance actors are published as they are.
  private ids = Buffer.alloc(ID_BYTES * INITIAL_CAPACITY);
  private eventTypes = new Int32Array(INITIAL_CAPACITY);
  private members = new Int32Array(INITIAL_CAPACITY);
  private actors = new Int32Array(INITIAL_CAPACITY);
  private objectNames = new Int32Array(INITIAL_CAPACITY);
  private amounts = new Float64Array(INITIAL_CAPACITY);
  private count = 0;
  private readonly strings: string[] = [];
  private readonly codes: StringIndex;
  // The lookups made per event are StringIndex tables, ~1.5× faster than Maps for the strings a
  // chunk's text is read into (ADR 0074).
  /** Username → the code of its pseudonym: every member an event names (as member or actor), by finish. */
  private readonly memberCodes: StringIndex;
  /** Internal object id → the code of its published name. */
  private readonly objectCodes = new StringIndex(1024);
  /** The ids in `reversed`. */
  private readonly reversedIds: StringIndex;
  /** Each type an event had so far, with its rule and (once published) its code: a handful. */
  private readonly typeSlots: TypeSlot[] = [];
  private readonly moreTypeSlots = new Map<string, TypeSlot>();
  private readonly sums = new Map<string, { type: string; member: string; amount: number }>();
  /** Internal events added (reversals and reversed ones included). */
  recorded = 0;

  /**
   * `expected`: how many events are likely to be published, e.g. how many were recorded (no more
   * can be): the columns are that long from the start, so a close of millions never copies them
   * to grow (each doubling held both copies, 1.3 GB at 10M events). More are taken all the same.
   */
  constructor(
    private readonly head: Omit<PeriodSnapshot, 'events'>,
    private readonly key: string,
    reversed: ReadonlySet<string>,
    expected = 0,
  ) {
    this.types = head.parameters.contributionTypes;
    this.federated = new Set(head.parameters.federatedInstances ?? []);
    this.memberCodes = new StringIndex(head.members.length);
    this.codes = new StringIndex(head.members.length + 1024);
    this.reversedIds = new StringIndex(reversed.size);
    for (const id of reversed) this.reversedIds.set(id, 0);
    if (expected > INITIAL_CAPACITY) this.resize(expected);
  }

  add(events: readonly SnapshotEvent[]): void {
    this.recorded += events.length;
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as ContributionEvent;
      if (event.type === REVERSAL) continue;
      this.addContribution(event.id, event.type, event.member, event.actor, event.object, event.amount);
    }
  }

  /** add() for events read as columns from their text (readRecordedEvents: ADR 0074). */
  addRecorded(events: RecordedEvents): void {
    this.recorded += events.count;
    const { id, type, member, actor, object, amount } = events;
    for (let i = 0; i < events.count; i++) {
      if (type[i] === REVERSAL) continue;
      this.addContribution(id[i], type[i], member[i]!, actor[i], object[i], amount[i]);
    }
  }

  /**
   * One contribution event, unless it is reversed. Strings kept past the event (map keys, sums)
   * are copied first (ownString): a field read from a chunk's text is a slice of it.
   */
  private addContribution(
    id: string,
    type: string,
    member: string,
    actor: string | undefined,
    object: string | undefined,
    amount: number | undefined,
  ): void {
    if (this.reversedIds.get(id) !== undefined) return;
    const slot = this.typeSlot(type);
    if (slot.rule === 'amount') {
      const sumKey = `${type}\u0000${member}`;
      let sum = this.sums.get(sumKey);
      // its member is named when the sum is pushed (finishColumns)
      if (!sum)
        this.sums.set(ownString(sumKey), (sum = { type: ownString(type), member: ownString(member), amount: 0 }));
      sum.amount += amount ?? 0;
      return;
    }
    let actorCode = NONE;
    if (actor !== undefined) {
      if (actor.startsWith(INSTANCE_ACTOR_PREFIX)) {
        if (!this.federated.has(actor.slice(INSTANCE_ACTOR_PREFIX.length))) return;
        actorCode = this.code(actor, true);
      } else {
        actorCode = this.memberCode(actor);
      }
    }
    this.push(
      'event',
      id,
      slot.code === NONE ? (slot.code = this.code(slot.type)) : slot.code,
      this.memberCode(member),
      actorCode,
      object === undefined ? NONE : this.objectCode(object),
      amount,
    );
  }

  /** One published event into the columns, its id keyedName('e-', key, kind, value). */
  private push(
    kind: string,
    value: string,
    type: number,
    member: number,
    actor: number,
    object: number,
    amount: number | undefined,
  ): void {
    const at = this.count;
    if (at === this.eventTypes.length) this.grow();
    writeName(this.ids, at * ID_BYTES, 'e-', this.key, kind, value);
    this.eventTypes[at] = type;
    this.members[at] = member;
    this.actors[at] = actor;
    this.objectNames[at] = object;
    this.amounts[at] = amount === undefined ? NaN : amount;
    this.count++;
  }

  private grow(): void {
    this.resize(this.eventTypes.length * 2);
  }

  /** The columns `capacity` long, holding what they held. */
  private resize(capacity: number): void {
    const ids = Buffer.alloc(capacity * ID_BYTES);
    this.ids.copy(ids, 0, 0, this.count * ID_BYTES);
    this.ids = ids;
    const resized = <T extends Int32Array | Float64Array>(column: T, make: (n: number) => T): T => {
      const copy = make(capacity);
      copy.set(column.subarray(0, this.count));
      return copy;
    };
    this.eventTypes = resized(this.eventTypes, (n) => new Int32Array(n));
    this.members = resized(this.members, (n) => new Int32Array(n));
    this.actors = resized(this.actors, (n) => new Int32Array(n));
    this.objectNames = resized(this.objectNames, (n) => new Int32Array(n));
    this.amounts = resized(this.amounts, (n) => new Float64Array(n));
  }

  /**
   * The code of a published string (one per distinct string). `slice`: `text` may be a field read
   * from a chunk's text, copied before it is kept (ownString); the names made here are strings of
   * their own already.
   */
  private code(text: string, slice = false): number {
    let code = this.codes.get(text);
    if (code === undefined) {
      const kept = slice ? ownString(text) : text;
      this.codes.set(kept, (code = this.strings.push(kept) - 1));
    }
    return code;
  }

  /**
   * The slot of `type`, made on first sight: found by comparing strings among the first
   * TYPE_SLOTS types (a close has a handful), in a map past them.
   */
  private typeSlot(type: string): TypeSlot {
    const slots = this.typeSlots;
    for (let i = 0; i < slots.length; i++) if (slots[i].type === type) return slots[i];
    let slot = this.moreTypeSlots.get(type);
    if (slot) return slot;
    slot = { type: ownString(type), rule: this.types[type]?.rule, code: NONE };
    if (slots.length < TYPE_SLOTS) slots.push(slot);
    else this.moreTypeSlots.set(slot.type, slot);
    return slot;
  }

  private memberCode(username: string): number {
    let code = this.memberCodes.get(username);
    if (code === undefined) {
      const own = ownString(username);
      this.memberCodes.set(own, (code = this.code(this.pseudonym(own))));
    }
    return code;
  }

  private objectCode(value: string): number {
    let code = this.objectCodes.get(value);
    if (code === undefined) {
      this.objectCodes.set(ownString(value), (code = this.code(keyedName('o-', this.key, 'object', value))));
    }
    return code;
  }

  private pseudonym(username: string): string {
    let name = this.pseudonyms.get(username);
    if (name === undefined) this.pseudonyms.set(username, (name = memberPseudonym(this.key, username)));
    return name;
  }

  /** The published snapshot, its events as objects (finishColumns, then eventObjects). */
  finish(internalInputHash: string): { snapshot: PublishedSnapshot; pseudonyms: ReadonlyMap<string, string> } {
    const { head, columns, pseudonyms } = this.finishColumns(internalInputHash);
    return { snapshot: withEvents(head, eventObjects(columns)), pseudonyms };
  }

  /**
   * The published snapshot as its head (everything but the events) and its events as columns
   * in published order (ADR 0073), once: what a close runs and stores.
   */
  finishColumns(internalInputHash: string): {
    head: PublishedHead;
    columns: EventColumns;
    pseudonyms: ReadonlyMap<string, string>;
  } {
    const { head } = this;
    const { parameters } = head;
    for (const sum of this.sums.values()) {
      this.push(
        'sum',
        `${sum.type}:${sum.member}`,
        this.code(sum.type),
        this.memberCode(sum.member),
        NONE,
        NONE,
        sum.amount,
      );
    }
    this.sums.clear();
    const equity = EQUITY_POOL in parameters.pools;
    const boundary = Date.parse(head.period.end) - parameters.minMemberAgeDays * DAY_MS;
    // A published joinedAt is one of two instants: each written once (a million members had a
    // string each), when first needed (as before, a bad boundary throws only if a member is kept).
    let atBoundary: string | undefined;
    let afterBoundary: string | undefined;
    const members: SnapshotMember[] = head.members
      .filter((m) => this.memberCodes.get(m.id) !== undefined || (equity && m.status === 'active' && m.vestedUnits > 0))
      .map((m) => ({
        id: this.pseudonym(m.id),
        joinedAt:
          Date.parse(m.joinedAt) <= boundary
            ? (atBoundary ??= new Date(boundary).toISOString())
            : (afterBoundary ??= new Date(boundary + 1).toISOString()),
        status: m.status,
        vestedUnits: equity ? m.vestedUnits : 0,
      }));
    const published: PublishedHead = {
      format: head.format,
      period: head.period,
      parameters: head.parameters,
      opening: head.opening,
      money: head.money,
      members: sortByName(members),
      internalInputHash,
    };
    return { head: published, columns: this.sortedColumns(), pseudonyms: this.pseudonyms };
  }

  /**
   * The columns in code-point order of their ids (then in the order added), once: permuted where
   * they are, cycle by cycle (a copy would hold the columns twice: ~850 MB at 10M events). The
   * columns handed out are views of the first `count` entries.
   */
  private sortedColumns(): EventColumns {
    const { count, ids, eventTypes: type, members: member, actors: actor, objectNames: object, amounts: amount } = this;
    const order = nameOrder(ids, count, ID_BYTES);
    // Entry i takes what entry order[i] holds. Each cycle of the permutation is walked once from
    // its first entry, whose values wait in `first*` until the cycle closes.
    const placed = new Uint8Array(count);
    const firstId = Buffer.alloc(ID_BYTES);
    for (let start = 0; start < count; start++) {
      if (placed[start] || order[start] === start) continue;
      ids.copy(firstId, 0, start * ID_BYTES, (start + 1) * ID_BYTES);
      const firstType = type[start];
      const firstMember = member[start];
      const firstActor = actor[start];
      const firstObject = object[start];
      const firstAmount = amount[start];
      let at = start;
      for (;;) {
        placed[at] = 1;
        const from = order[at];
        if (from === start) {
          firstId.copy(ids, at * ID_BYTES);
          type[at] = firstType;
          member[at] = firstMember;
          actor[at] = firstActor;
          object[at] = firstObject;
          amount[at] = firstAmount;
          break;
        }
        ids.copy(ids, at * ID_BYTES, from * ID_BYTES, (from + 1) * ID_BYTES);
        type[at] = type[from];
        member[at] = member[from];
        actor[at] = actor[from];
        object[at] = object[from];
        amount[at] = amount[from];
        at = from;
      }
    }
    this.ids = Buffer.alloc(0);
    this.eventTypes = this.members = this.actors = this.objectNames = new Int32Array(0);
    this.amounts = new Float64Array(0);
    this.count = 0;
    return {
      count,
      idBytes: ID_BYTES,
      ids: ids.subarray(0, count * ID_BYTES),
      type: type.subarray(0, count),
      member: member.subarray(0, count),
      actor: actor.subarray(0, count),
      object: object.subarray(0, count),
      amount: amount.subarray(0, count),
      strings: this.strings,
    };
  }
}

/** A type as SnapshotPublisher met it: its rule (none when the parameters have no such type), its code once published. */
interface TypeSlot {
  readonly type: string;
  readonly rule: ContributionRule | undefined;
  code: number;
}

/** A published snapshot but its events (a close's, whose events are columns: ADR 0073). */
export type PublishedHead = Omit<PublishedSnapshot, 'events'>;

/**
 * The published snapshot of `head` with `events`, its members in the order the stored head has
 * always had (events before internalInputHash). Columns become objects once, when `events` is
 * first read (a close's callers mostly read the hashes: ADR 0073).
 */
export function withEvents(
  head: PublishedHead,
  events: readonly ContributionEvent[] | EventColumns,
): PublishedSnapshot {
  const { internalInputHash, ...rest } = head;
  if (Array.isArray(events)) return { ...rest, events, internalInputHash };
  const columns = events as EventColumns;
  let built: readonly ContributionEvent[] | undefined;
  const snapshot = { ...rest, events: [] as readonly ContributionEvent[], internalInputHash };
  Object.defineProperty(snapshot, 'events', { enumerable: true, get: () => (built ??= eventObjects(columns)) });
  return snapshot;
}

/** Bytes of a published event's id in SnapshotPublisher's column: `e-` and NAME_HEX digits. */
const ID_BYTES = 2 + NAME_HEX;
/** Types SnapshotPublisher finds by comparison (more are in a map). */
const TYPE_SLOTS = 8;
/** Events SnapshotPublisher's columns hold before they first grow (unless told to expect more). */
const INITIAL_CAPACITY = 4096;
