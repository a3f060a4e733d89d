import { REVERSAL } from './snapshot';

/**
 * A chunk of recorded (internal) events as columns, read from their text by readRecordedEvents:
 * the i-th event's fields are the i-th entries. Reused chunk after chunk (`count` says how many
 * entries are this chunk's).
 */
export class RecordedEvents {
  count = 0;
  readonly id: string[] = [];
  readonly type: string[] = [];
  /** Absent only for a REVERSAL. */
  readonly member: (string | undefined)[] = [];
  readonly actor: (string | undefined)[] = [];
  readonly object: (string | undefined)[] = [];
  readonly amount: (number | undefined)[] = [];
}

/** The keys an event may have, in canonical (ascending) order: a key's place is its index. */
const KEYS = ['actor', 'amount', 'id', 'member', 'object', 'reverses', 'type'] as const;
const ACTOR = 0;
const AMOUNT = 1;
const ID = 2;
const MEMBER = 3;
const OBJECT = 4;
const REVERSES = 5;
const TYPE = 6;
/** Each key as it is written: quoted, then the colon. */
const WRITTEN = KEYS.map((key) => `"${key}":`);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
/** More digits than this may not be a safe integer. */
const MAX_DIGITS = 16;

/**
 * Reads `text` (recorded events' JSON joined by commas, as a close reads a chunk of coop_events:
 * ADR 0074) into `into`, and says whether it could: true only when the text is exactly the
 * canonical JSON of those events (what CanonicalArrayHash.addParsed would hash as it is) and each
 * is an event this reader knows:
 * - an object whose keys are among actor, amount, id, member, object, reverses and type, in that
 *   order, each once; id and type present, and member unless the type is REVERSAL;
 * - strings with nothing JSON escapes (no quote, backslash or control character) and no UTF-16
 *   surrogate (JSON.stringify would escape a lone one; a pair is left to JSON.parse too);
 * - amount an integer as JSON.stringify writes it (no sign on zero, no leading zero, at most
 *   2^53 − 1 in magnitude).
 * Anything else (any space, escape, other key or value) gives false, with `into` unspecified:
 * the caller then parses the text as before. The fields are slices of `text`, and V8 may keep
 * the whole text alive for a slice: a caller that keeps a field past the chunk should copy it
 * (ownString).
 */
export function readRecordedEvents(text: string, into: RecordedEvents): boolean {
  const { length } = text;
  let at = 0;
  let n = 0;
  if (length === 0) return false;
  while (at < length) {
    if (text.charCodeAt(at) !== OPEN) return false;
    at++;
    let id: string | undefined;
    let type: string | undefined;
    let member: string | undefined;
    let actor: string | undefined;
    let object: string | undefined;
    let amount: number | undefined;
    let last = -1;
    for (;;) {
      const key = keyAt(text, at);
      if (key <= last) return false;
      last = key;
      at += WRITTEN[key].length;
      if (key === AMOUNT) {
        const end = integerEnd(text, at);
        if (end < 0) return false;
        amount = Number(text.slice(at, end));
        at = end;
      } else {
        const end = stringEnd(text, at);
        if (end < 0) return false;
        const value = text.slice(at + 1, end);
        at = end + 1;
        if (key === ID) id = value;
        else if (key === TYPE) type = value;
        else if (key === MEMBER) member = value;
        else if (key === ACTOR) actor = value;
        else if (key === OBJECT) object = value;
        // REVERSES: its text was checked; what it reverses is known before the events (eventsAhead).
      }
      const next = text.charCodeAt(at++);
      if (next === CLOSE) break;
      if (next !== COMMA) return false;
    }
    if (id === undefined || type === undefined || (member === undefined && type !== REVERSAL)) return false;
    into.id[n] = id;
    into.type[n] = type;
    into.member[n] = member;
    into.actor[n] = actor;
    into.object[n] = object;
    into.amount[n] = amount;
    n++;
    if (at === length) break;
    if (text.charCodeAt(at) !== COMMA || at + 1 === length) return false;
    at++;
  }
  into.count = n;
  return true;
}

/** The index in KEYS of the key written at `at` (quoted, with its colon), or -1. */
function keyAt(text: string, at: number): number {
  let key: number;
  switch (text.charCodeAt(at + 1)) {
    case 0x61: // a
      key = text.charCodeAt(at + 2) === 0x63 ? ACTOR : AMOUNT;
      break;
    case 0x69: // i
      key = ID;
      break;
    case 0x6d: // m
      key = MEMBER;
      break;
    case 0x6f: // o
      key = OBJECT;
      break;
    case 0x72: // r
      key = REVERSES;
      break;
    case 0x74: // t
      key = TYPE;
      break;
    default:
      return -1;
  }
  return text.startsWith(WRITTEN[key], at) ? key : -1;
}

/** Where the string that opens at `at` closes (its closing quote), or -1 when it is not one this reader takes. */
function stringEnd(text: string, at: number): number {
  if (text.charCodeAt(at) !== QUOTE) return -1;
  for (let i = at + 1; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === QUOTE) return i;
    if (unit === BACKSLASH || unit < 0x20 || (unit >= 0xd800 && unit <= 0xdfff)) return -1;
  }
  return -1;
}

/** Where the integer written at `at` ends, or -1 when it is not written as JSON.stringify writes a safe integer. */
function integerEnd(text: string, at: number): number {
  const negative = text.charCodeAt(at) === MINUS;
  const start = negative ? at + 1 : at;
  let end = start;
  while (end < text.length) {
    const unit = text.charCodeAt(end);
    if (unit < ZERO || unit > NINE) break;
    end++;
  }
  const digits = end - start;
  if (digits === 0 || digits > MAX_DIGITS) return -1;
  if (text.charCodeAt(start) === ZERO && (digits > 1 || negative)) return -1;
  if (digits === MAX_DIGITS && Number(text.slice(start, end)) > Number.MAX_SAFE_INTEGER) return -1;
  return end;
}

/**
 * `text` as a string of its own: not a slice that keeps a larger string alive (a field of
 * readRecordedEvents kept in a map would hold its whole chunk), and not a slice at all, which
 * every later read of it pays for (ADR 0065 found slices slow to read). Written out and read back
 * as JSON: a new flat string, exactly equal (a lone surrogate too). Anything but a string (a
 * malformed event's field, from the parsing path) is given back as it is.
 */
export const ownString = <T>(text: T): T => (typeof text === 'string' ? (JSON.parse(JSON.stringify(text)) as T) : text);
