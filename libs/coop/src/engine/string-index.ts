/**
 * A string → non-negative integer table (open addressing, linear probing over typed storage)
 * for the snapshot's ids: a million event ids and a hundred thousand member ids are looked up
 * once or twice each, where a Map's growth and per-entry objects cost more than the lookups.
 * Same contract as Map#get/set for what the engine needs; iteration is not offered.
 */
export class StringIndex {
  private keys: (string | undefined)[];
  private values: Int32Array;
  private mask: number;
  private count = 0;

  /** `expected`: how many keys will be added (the table grows past it if need be). */
  constructor(expected = 8) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Array<string | undefined>(capacity).fill(undefined);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  get(key: string): number | undefined {
    const { keys, mask } = this;
    for (let slot = hash(key) & mask; ; slot = (slot + 1) & mask) {
      const found = keys[slot];
      if (found === undefined) return undefined;
      if (found === key) return this.values[slot];
    }
  }

  set(key: string, value: number): void {
    if (this.addIfAbsent(key, value) === undefined) return;
    const { keys, mask } = this;
    let slot = hash(key) & mask;
    while (keys[slot] !== key) slot = (slot + 1) & mask;
    this.values[slot] = value;
  }

  /** The value of `key` if present; otherwise adds `key` → `value` and returns undefined. */
  addIfAbsent(key: string, value: number): number | undefined {
    if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) throw new RangeError(`bad index ${value}`);
    const { keys, mask } = this;
    let slot = hash(key) & mask;
    for (; ; slot = (slot + 1) & mask) {
      const found = keys[slot];
      if (found === undefined) break;
      if (found === key) return this.values[slot];
    }
    keys[slot] = key;
    this.values[slot] = value;
    if (++this.count * 2 > keys.length) this.grow();
    return undefined;
  }

  private grow(): void {
    const { keys, values } = this;
    const capacity = keys.length * 2;
    this.keys = new Array<string | undefined>(capacity).fill(undefined);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key === undefined) continue;
      let slot = hash(key) & this.mask;
      while (this.keys[slot] !== undefined) slot = (slot + 1) & this.mask;
      this.keys[slot] = key;
      this.values[slot] = values[i];
    }
  }
}

/**
 * FNV-1a over the UTF-16 code units, then a final mix (the low bits pick the slot). A key that is
 * not a string (a malformed event's field, parsed from JSON) is hashed by its String form and
 * still compared by ===, as a Map would key it; undefined is never found.
 */
function hash(key: string): number {
  const text = typeof key === 'string' ? key : String(key);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
