/**
 * The order of the published snapshot's names (ADR 0065): its members and events sorted by id in
 * code-point order, by number on the names' leading hex digits rather than by comparison.
 */

/** Ids here are ASCII, where UTF-16 order is code-point order. */
const codePointCompare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const compareIds = (a: { readonly id: string }, b: { readonly id: string }) => codePointCompare(a.id, b.id);

/**
 * The indices of the `count` ids in `ids` (`idBytes` of ASCII each: two characters, then
 * lowercase hex digits, as the publisher's keyed names are written) in byte order of the ids,
 * equal ids in index order: sortByName's way, on bytes.
 */
export function nameOrder(ids: Buffer, count: number, idBytes: number): Uint32Array {
  const compare = (a: number, b: number) =>
    ids.compare(ids, b * idBytes, (b + 1) * idBytes, a * idBytes, (a + 1) * idBytes) || a - b;
  if (count > INDEX_BITS) {
    return Uint32Array.from(Array.from({ length: count }, (_, i) => i).sort(compare));
  }
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let digits = 0;
    for (let d = 2; d < 2 + SORT_DIGITS; d++) {
      const unit = ids[i * idBytes + d];
      digits = digits * 16 + (unit <= 0x39 ? unit - 0x30 : unit - 0x57);
    }
    keys[i] = digits * INDEX_BITS + i;
  }
  return orderByDigits(keys, compare);
}

/** Hex digits of a name that sortByName orders by number (28 bits) and its index bits (24). */
const SORT_DIGITS = 7;
const INDEX_BITS = 2 ** 24;

/**
 * `items.sort(compareIds)` (stable, in place), faster for the names keyedName gives: when every id
 * is the same two characters and then at least SORT_DIGITS lowercase hex digits, those digits (in
 * the same order as numbers as in code points) and the index are one float64 per item, sorted
 * natively; items whose digits tie are then ordered by their whole ids, by insertion (in index
 * order, so stable). Else, or past 2^24 items, by comparison. A comparison sort of a million
 * published events cost a close 2–6 s of pointer chasing (ADR 0065).
 */
export function sortByName<T extends { readonly id: string }>(items: T[]): T[] {
  const n = items.length;
  if (n < 2 || n > INDEX_BITS) return items.sort(compareIds);
  const first = items[0].id;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const id = items[i].id;
    if (
      id.length < 2 + SORT_DIGITS ||
      id.charCodeAt(0) !== first.charCodeAt(0) ||
      id.charCodeAt(1) !== first.charCodeAt(1)
    )
      return items.sort(compareIds);
    let digits = 0;
    for (let d = 2; d < 2 + SORT_DIGITS; d++) {
      const unit = id.charCodeAt(d);
      if (unit >= 0x30 && unit <= 0x39) digits = digits * 16 + (unit - 0x30);
      else if (unit >= 0x61 && unit <= 0x66) digits = digits * 16 + (unit - 0x57);
      else return items.sort(compareIds);
    }
    keys[i] = digits * INDEX_BITS + i;
  }
  const original = items.slice();
  const order = orderByDigits(keys, (a, b) => compareIds(original[a], original[b]));
  for (let i = 0; i < n; i++) items[i] = original[order[i]];
  return items;
}

/**
 * The indices in the order of `keys` (each a name's SORT_DIGITS as a number times INDEX_BITS plus
 * its index; sorted natively here), then each run of equal digits by `compare` of the indices
 * (insertion, stable: such runs are a few items long). nameOrder's and sortByName's one way.
 */
function orderByDigits(keys: Float64Array, compare: (a: number, b: number) => number): Uint32Array {
  const n = keys.length;
  keys.sort();
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = keys[i] % INDEX_BITS;
  for (let start = 0; start < n;) {
    const digits = Math.floor(keys[start] / INDEX_BITS);
    let end = start + 1;
    while (end < n && Math.floor(keys[end] / INDEX_BITS) === digits) end++;
    for (let i = start + 1; i < end; i++) {
      const item = order[i];
      let j = i - 1;
      while (j >= start && compare(order[j], item) > 0) order[j + 1] = order[j--];
      order[j + 1] = item;
    }
    start = end;
  }
  return order;
}
