/**
 * Memos and caches that must not grow with their input (tokens, keys, statement shapes, …) hold
 * at most `limit` entries: adding a new one when full first forgets the oldest. Oldest is by
 * insertion: setting a key that is held keeps its place, so a cache that wants "least recently
 * used" deletes a key before setting it again.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(readonly limit: number) {
    super();
    checkLimit('BoundedMap', limit);
  }

  override set(key: K, value: V): this {
    if (this.size >= this.limit && !this.has(key)) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}

/** BoundedMap's rule for a Set: adding a new value when full first forgets the oldest. */
export class BoundedSet<T> extends Set<T> {
  constructor(readonly limit: number) {
    super();
    checkLimit('BoundedSet', limit);
  }

  override add(value: T): this {
    if (this.size >= this.limit && !this.has(value)) this.delete(this.values().next().value as T);
    return super.add(value);
  }
}

function checkLimit(kind: string, limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`${kind}: limit ${limit} is not a positive integer`);
}
