import { createHash, type Hash } from 'node:crypto';

/** Where canonical JSON goes: a string builder or a hash, fed in chunks. */
interface Sink {
  write(text: string): void;
}

/**
 * RFC 8785 (JCS) canonical JSON of a JSON value: object keys sorted by UTF-16 code units, no
 * whitespace, numbers and strings exactly as ECMAScript's JSON.stringify writes them (which is
 * what the RFC specifies). Values JSON cannot carry (undefined in an array or at the top,
 * functions, bigint, NaN, ±Infinity) throw, so a hash never covers a lossy form; an object member
 * whose value is undefined is absent, as in JSON.stringify.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  writeValue(value, { write: (text) => parts.push(text) });
  return parts.join('');
}

/** Lowercase hex SHA-256 of `canonicalJson(value)`, streamed so a large snapshot is never one string. */
export function canonicalHash(value: unknown): string {
  const hash = createHash('sha256');
  const sink = new HashSink(hash);
  writeValue(value, sink);
  sink.flush();
  return hash.digest('hex');
}

/**
 * canonicalJson(document) in order, as pieces: strings, and the UTF-8 bytes a CanonicalElements
 * writes (a view, valid until the next piece is asked for). Each run of a top-level array is a
 * piece of its own, so a part can end after any run (canonical-parts.ts).
 */
export function* canonicalPieces(document: object): Generator<string | Buffer> {
  const members = document as Readonly<Record<string, unknown>>;
  let first = true;
  yield '{';
  for (const key of sortedKeys(members)) {
    const value = members[key];
    if (value === undefined) continue;
    yield first ? quoteKey(key) : ',' + quoteKey(key);
    first = false;
    if (value instanceof CanonicalElements) {
      yield '[';
      for (let i = 0; i < value.length; i += NATIVE_RUN) {
        if (i > 0) yield ',';
        yield value.bytes(i, Math.min(value.length, i + NATIVE_RUN));
      }
      yield ']';
    } else if (Array.isArray(value)) {
      yield '[';
      const elements = value as readonly unknown[];
      for (let i = 0; i < elements.length; i += NATIVE_RUN) {
        let text = i > 0 ? ',' : '';
        writeElements(elements.slice(i, i + NATIVE_RUN), { write: (piece) => (text += piece) });
        yield text;
      }
      yield ']';
    } else {
      yield canonicalJson(value);
    }
  }
  yield '}';
}

/**
 * An array that writes its own canonical JSON, a run of elements at a time: `text(start, end)` is
 * canonicalJson of elements [start, end) joined by commas, without brackets, and `bytes` its
 * UTF-8. canonicalJson, canonicalHash, canonicalParts and canonicalPartBuffers write it as that
 * array (a close's published events are columns, never objects: ADR 0073).
 */
export abstract class CanonicalElements {
  abstract readonly length: number;
  /** text(start, end) as UTF-8: a view that stays valid until the next call. */
  abstract bytes(start: number, end: number): Buffer;
  text(start: number, end: number): string {
    return this.bytes(start, end).toString('utf8');
  }
}

/**
 * `canonicalHash({ ...head, [key]: elements })` with the elements fed in chunks (`add`), in
 * order, never all held: the bytes hashed are exactly canonicalJson's. `head`'s members before
 * `key` (in canonical key order) are written at once, those after it when `digest` is called.
 * `head` must not have `key` itself.
 */
export class CanonicalArrayHash {
  private readonly hash = createHash('sha256');
  private readonly sink = new HashSink(this.hash);
  private readonly after: Record<string, unknown> = {};
  private count = 0;
  private done = false;

  constructor(head: object, key: string) {
    if (Object.prototype.hasOwnProperty.call(head, key)) throw new TypeError(`head has ${key} already`);
    const before: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(head)) {
      if (value === undefined) continue;
      if (name < key) before[name] = value;
      else this.after[name] = value;
    }
    const opening = canonicalJson(before);
    this.sink.write(opening.length > 2 ? `${opening.slice(0, -1)},${quoteKey(key)}[` : `{${quoteKey(key)}[`);
  }

  /** The next elements of the array, in order. */
  add(elements: readonly unknown[]): void {
    this.append(elements.length, () => writeElements(elements, this.sink));
  }

  /**
   * add(elements), given the JSON text they were parsed from (their texts joined by commas, as a
   * close reads its events): when that text is their canonical JSON already, it is hashed as it
   * is rather than written again (ADR 0071). Checked, not assumed: each element must be a flat
   * object (strings, finite numbers, booleans, null) whose keys ascend, and the text exactly
   * JSON.stringify of them, which for such objects is what canonicalJson writes. Else the
   * elements are written as add() writes them: the bytes hashed are canonicalJson's either way.
   */
  addParsed(elements: readonly unknown[], text: string): void {
    this.append(elements.length, () =>
      canonicalAsParsed(elements, text) ? this.sink.write(text) : writeElements(elements, this.sink),
    );
  }

  /**
   * The next `count` elements given as their canonical JSON joined by commas, hashed as it is.
   * Only for text known to be canonical: readRecordedEvents accepts no other (ADR 0074); text
   * merely parsed goes to addParsed, which checks.
   */
  addCanonicalText(count: number, text: string): void {
    this.append(count, () => this.sink.write(text));
  }

  /** `count` more elements, which `write` writes (after the comma that separates them from earlier ones). */
  private append(count: number, write: () => void): void {
    if (this.done) throw new Error('CanonicalArrayHash: digest was taken already');
    if (count === 0) return;
    if (this.count > 0) this.sink.write(',');
    write();
    this.count += count;
  }

  /** Lowercase hex SHA-256 of the whole document (once). */
  digest(): string {
    if (this.done) throw new Error('CanonicalArrayHash: digest was taken already');
    this.done = true;
    const closing = canonicalJson(this.after);
    this.sink.write(closing.length > 2 ? `],${closing.slice(1)}` : ']}');
    this.sink.flush();
    return this.hash.digest('hex');
  }
}

/** Whether `text` (elements' JSON joined by commas) is exactly their canonical JSON: see addParsed. */
function canonicalAsParsed(elements: readonly unknown[], text: string): boolean {
  for (let i = 0; i < elements.length; i++) if (!flatAscending(elements[i])) return false;
  const written = JSON.stringify(elements);
  return written.length === text.length + 2 && written.slice(1, -1) === text;
}

/** A plain-data object whose keys ascend and whose values JSON.stringify writes as canonicalJson does. */
function flatAscending(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // A plain object (no toJSON of a class for JSON.stringify to call), as JSON.parse makes.
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  let previous: string | undefined;
  for (const key in value) {
    if (previous !== undefined && !(previous < key)) return false;
    if (!flatMember((value as Record<string, unknown>)[key])) return false;
    previous = key;
  }
  return true;
}

class HashSink implements Sink {
  private buffer = '';
  constructor(private readonly hash: Hash) {}
  write(text: string): void {
    if (text.length >= 1 << 16) {
      this.flush();
      this.hash.update(text, 'utf8');
      return;
    }
    this.buffer += text;
    if (this.buffer.length >= 1 << 16) this.flush();
  }
  flush(): void {
    if (this.buffer === '') return;
    this.hash.update(this.buffer, 'utf8');
    this.buffer = '';
  }
}

function writeValue(value: unknown, sink: Sink): void {
  if (typeof value === 'object' && value !== null) {
    if (Array.isArray(value)) writeArray(value, sink);
    else if (value instanceof CanonicalElements) writeOwnElements(value, sink);
    else writeObject(value as Record<string, unknown>, sink);
  } else {
    sink.write(primitive(value));
  }
}

/** The text of a non-object value (null included). */
function primitive(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${value} is not a JSON number`);
      return String(value); // ECMAScript Number::toString, as JSON.stringify; -0 gives "0"
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return 'null';
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      throw new TypeError(`canonical JSON: a ${typeof value} is not a JSON value`);
  }
}

/** Elements written per native JSON.stringify call on the fast path (see writeArray). */
const NATIVE_RUN = 4096;

// A snapshot is mostly two long arrays of small flat objects (events, members). For a flat object
// (a plain object whose values are strings, finite numbers, booleans or null) JSON.stringify writes
// exactly the canonical text of each member (same string escapes and number forms); only the order
// of the members may differ. So runs of flat objects go through one native JSON.stringify call:
// as they are when every object's keys are in canonical order already (the platform writes stored
// events so), else with the run's keys sorted as its property list, which JSON.stringify writes in
// that order (ECMA-262 SerializeJSONObject: K is the PropertyList), leaving out the keys an object
// does not have (it reads them from Object.prototype, so a run whose keys Object.prototype has is
// written element by element instead). A close's published events are built id, type, member, …
// (the order their stored text keeps): they take the second path. Anything else is written
// element by element.
function writeArray(values: readonly unknown[], sink: Sink): void {
  sink.write('[');
  writeElements(values, sink);
  sink.write(']');
}

function writeOwnElements(elements: CanonicalElements, sink: Sink): void {
  sink.write('[');
  for (let i = 0; i < elements.length; i += NATIVE_RUN) {
    const text = elements.text(i, Math.min(elements.length, i + NATIVE_RUN));
    sink.write(i > 0 ? ',' + text : text);
  }
  sink.write(']');
}

/** The elements of an array, comma-separated, without the brackets. */
function writeElements(values: readonly unknown[], sink: Sink): void {
  let i = 0;
  while (i < values.length) {
    let run = i;
    const limit = Math.min(values.length, i + NATIVE_RUN);
    let ordered = true;
    let last: string[] | undefined;
    const union = new Set<string>();
    while (run < limit) {
      const keys = flatKeys(values[run]);
      if (keys === null) break;
      if (last === undefined || !sameKeys(last, keys)) {
        for (let k = 0; k < keys.length; k++) union.add(keys[k]);
        if (ordered && !ascending(keys)) ordered = false;
        last = keys;
      }
      run++;
    }
    const list = ordered ? undefined : [...union].sort();
    if (run > i && (list === undefined || list.every((key) => !(key in Object.prototype)))) {
      const text = JSON.stringify(values.slice(i, run), list);
      sink.write(i > 0 ? ',' + text.slice(1, -1) : text.slice(1, -1));
      i = run;
    } else {
      const stop = Math.max(run, i + 1);
      for (; i < stop; i++) {
        if (i > 0) sink.write(',');
        writeValue(values[i], sink);
      }
    }
  }
}

/**
 * The own keys of `value` when JSON.stringify writes it as canonical JSON does, but for the order
 * of its members: a plain object (no toJSON) whose values are strings, finite numbers, booleans or
 * null. Else null.
 */
function flatKeys(value: unknown): string[] | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return null;
  const keys = Object.keys(value);
  for (let k = 0; k < keys.length; k++) {
    if (!flatMember((value as Record<string, unknown>)[keys[k]])) return null;
  }
  return typeof (value as { toJSON?: unknown }).toJSON === 'function' ? null : keys;
}

/** A string, a finite number, a boolean or null: what JSON.stringify writes as canonicalJson does. */
function flatMember(member: unknown): boolean {
  switch (typeof member) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(member);
    case 'object':
      return member === null;
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      return false;
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** Whether the keys are in strictly ascending UTF-16 order (canonical order). */
function ascending(keys: readonly string[]): boolean {
  for (let k = 1; k < keys.length; k++) if (!(keys[k - 1] < keys[k])) return false;
  return true;
}

// Objects are written member by member into one string, handed to the sink once (nested
// objects and arrays flush it first): a snapshot is mostly a million small flat events.
function writeObject(object: Record<string, unknown>, sink: Sink): void {
  const keys = sortedKeys(object);
  let text = '{';
  let first = true;
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    text += first ? quoteKey(key) : ',' + quoteKey(key);
    first = false;
    if (typeof member === 'object' && member !== null) {
      sink.write(text);
      text = '';
      writeValue(member, sink);
    } else {
      text += primitive(member);
    }
  }
  sink.write(text + '}');
}

/** Own enumerable keys in UTF-16 code unit order (Array#sort's default; insertion sort when few). */
function sortedKeys(object: Record<string, unknown>): string[] {
  const keys = Object.keys(object);
  if (keys.length > 12) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > key) keys[j + 1] = keys[j--];
    keys[j + 1] = key;
  }
  return keys;
}

/**
 * JSON.stringify(text), without its cost for the common string that needs no escape: canonicalJson
 * of a string.
 */
export function quote(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // controls, quote and backslash are escaped; lone surrogates too (JSON.stringify decides)
    if (unit < 0x20 || unit === 0x22 || unit === 0x5c || (unit >= 0xd800 && unit <= 0xdfff)) {
      return JSON.stringify(text);
    }
  }
  return `"${text}"`;
}

/** `"key":`, cached: snapshots repeat a handful of keys a million times. */
const QUOTED_KEYS = new Map<string, string>();
function quoteKey(key: string): string {
  let quoted = QUOTED_KEYS.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key) + ':';
    if (QUOTED_KEYS.size < 4096) QUOTED_KEYS.set(key, quoted);
  }
  return quoted;
}
