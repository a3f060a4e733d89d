import { CanonicalElements, quote } from './canonical-json';
import type { ContributionEvent } from './snapshot';

/** Absent, in a code column. */
export const NONE = -1;

/**
 * A snapshot's contribution events as columns, in document order (ADR 0073): event `i` is
 * `{ id, type, member, actor?, object?, amount? }` read from position `i` of each column. The
 * strings are codes into `strings` (NONE: the event has no such field); an absent amount is NaN.
 * Ids are `idBytes` each, back to back in `ids`: ASCII that JSON writes as it is (no quote,
 * backslash or control character), as the publisher's keyed names are. A close builds its
 * published events so (SnapshotPublisher) and hands them to the engine and to the stored text as
 * they are: no million event objects.
 */
export interface EventColumns {
  readonly count: number;
  readonly idBytes: number;
  readonly ids: Buffer;
  readonly type: Int32Array;
  readonly member: Int32Array;
  readonly actor: Int32Array;
  readonly object: Int32Array;
  readonly amount: Float64Array;
  /** Every string a code column names; each distinct (one code per string). */
  readonly strings: readonly string[];
}

/** Event `i`'s id. */
function columnId(columns: EventColumns, i: number): string {
  return columns.ids.toString('latin1', i * columns.idBytes, (i + 1) * columns.idBytes);
}

/**
 * The events as objects, property by property in the order the published text had before it
 * was canonical (id, type, member, actor, object, amount): for a caller that needs the document
 * (a preview, the GraphQL result of a close, an engine refusal's exact problems).
 */
export function eventObjects(columns: EventColumns): ContributionEvent[] {
  const { count, strings, type, member, actor, object, amount } = columns;
  const events = new Array<ContributionEvent>(count);
  for (let i = 0; i < count; i++) {
    const event: { -readonly [K in keyof ContributionEvent]: ContributionEvent[K] } = {
      id: columnId(columns, i),
      type: strings[type[i]],
      member: strings[member[i]],
    };
    if (actor[i] !== NONE) event.actor = strings[actor[i]];
    if (object[i] !== NONE) event.object = strings[object[i]];
    if (!Number.isNaN(amount[i])) event.amount = amount[i];
    events[i] = event;
  }
  return events;
}

/**
 * The columns' canonical JSON (as an array canonicalJson, canonicalHash and canonicalParts write):
 * each event's members in canonical key order (actor, amount, id, member, object, type). The same
 * text as canonicalJson(eventObjects(columns)), written as UTF-8 bytes into one buffer per run
 * (each string quoted and encoded once per code, ids copied as they are), which the stored text
 * takes as bytes (canonicalPartBuffers): string concatenation built a rope per event that hashing
 * and sending then flattened, twice the time of JSON.stringify on the objects.
 */
export class EventColumnsJson extends CanonicalElements {
  /** Every string quoted (canonicalJson of it) as UTF-8, back to back; code c at offsets[c]. */
  private readonly quoted: Buffer;
  private readonly offsets: Int32Array;
  /** The most bytes one event can take. */
  private readonly eventBytes: number;
  private buffer = Buffer.alloc(1 << 20);

  constructor(private readonly columns: EventColumns) {
    super();
    const { strings } = columns;
    const texts = strings.map(quote);
    this.offsets = new Int32Array(strings.length + 1);
    let longest = 0;
    for (let c = 0; c < texts.length; c++) {
      const bytes = Buffer.byteLength(texts[c], 'utf8');
      this.offsets[c + 1] = this.offsets[c] + bytes;
      if (bytes > longest) longest = bytes;
    }
    this.quoted = Buffer.from(texts.join(''), 'utf8');
    this.eventBytes = 128 + columns.idBytes + 4 * longest;
  }

  get length(): number {
    return this.columns.count;
  }

  bytes(start: number, end: number): Buffer {
    const { ids, idBytes, type, member, actor, object, amount } = this.columns;
    const { quoted, offsets } = this;
    let buffer = this.buffer;
    let at = 0;
    // Copies the quoted string of `code`.
    const code = (c: number): void => {
      for (let k = offsets[c], stop = offsets[c + 1]; k < stop; k++) buffer[at++] = quoted[k];
    };
    const ascii = (text: string): void => {
      for (let k = 0; k < text.length; k++) buffer[at++] = text.charCodeAt(k);
    };
    for (let i = start; i < end; i++) {
      if (at + this.eventBytes > buffer.length) {
        const grown = Buffer.alloc(buffer.length * 2);
        buffer.copy(grown, 0, 0, at);
        this.buffer = buffer = grown;
      }
      if (i > start) buffer[at++] = COMMA;
      buffer[at++] = OPEN;
      if (actor[i] !== NONE) {
        ascii('"actor":');
        code(actor[i]);
        buffer[at++] = COMMA;
      }
      const value = amount[i];
      if (!Number.isNaN(value)) {
        if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${value} is not a JSON number`);
        ascii('"amount":');
        ascii(String(value));
        buffer[at++] = COMMA;
      }
      ascii('"id":"');
      for (let k = i * idBytes, stop = k + idBytes; k < stop; k++) buffer[at++] = ids[k];
      ascii('","member":');
      code(member[i]);
      if (object[i] !== NONE) {
        ascii(',"object":');
        code(object[i]);
      }
      ascii(',"type":');
      code(type[i]);
      buffer[at++] = CLOSE;
    }
    return buffer.subarray(0, at);
  }
}

const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
