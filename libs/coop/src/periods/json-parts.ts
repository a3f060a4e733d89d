/** Elements of a long array stringified per JSON.stringify call. */
const BATCH = 4096;

/**
 * JSON.stringify(document) in parts of about `partChars` characters (more when one element is
 * longer), never the whole text at once: a close stores its published snapshot (a hundred MB at
 * a million events) part by part. The parts joined are exactly JSON.stringify(document) (its
 * own key order; members whose value is undefined left out, as JSON.stringify does). Only the
 * document's top-level arrays are split; everything else is stringified whole.
 */
export function* jsonParts(document: object, partChars: number): Generator<string> {
  let part = '{';
  let first = true;
  for (const [key, value] of Object.entries(document)) {
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    part += `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (!Array.isArray(value)) {
      part += JSON.stringify(value);
    } else {
      part += '[';
      const elements = value as unknown[];
      for (let i = 0; i < elements.length; i += BATCH) {
        const text = JSON.stringify(elements.slice(i, i + BATCH));
        part += (i > 0 ? ',' : '') + text.slice(1, -1);
        if (part.length >= partChars) {
          yield part;
          part = '';
        }
      }
      part += ']';
    }
    if (part.length >= partChars) {
      yield part;
      part = '';
    }
  }
  yield `${part}}`;
}
