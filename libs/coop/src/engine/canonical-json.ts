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

class HashSink implements Sink {
  private buffer = '';
  constructor(private readonly hash: Hash) {}
  write(text: string): void {
    this.buffer += text;
    if (this.buffer.length >= 1 << 16) this.flush();
  }
  flush(): void {
    this.hash.update(this.buffer, 'utf8');
    this.buffer = '';
  }
}

function writeValue(value: unknown, sink: Sink): void {
  if (typeof value === 'object' && value !== null) {
    if (Array.isArray(value)) writeArray(value, sink);
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

function writeArray(values: readonly unknown[], sink: Sink): void {
  sink.write('[');
  for (let i = 0; i < values.length; i++) {
    if (i > 0) sink.write(',');
    writeValue(values[i], sink);
  }
  sink.write(']');
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

/** JSON.stringify(text), without its cost for the common string that needs no escape. */
function quote(text: string): string {
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
