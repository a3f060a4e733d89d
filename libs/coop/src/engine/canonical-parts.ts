import { canonicalPieces } from './canonical-json';

/**
 * canonicalJson(document) in parts of about `partChars` characters (more when one run of
 * elements is longer), never the whole text at once: the parts joined are exactly
 * canonicalJson(document). Only the document's top-level arrays are split.
 */
export function* canonicalParts(document: object, partChars: number): Generator<string> {
  let part = '';
  for (const piece of canonicalPieces(document)) {
    part += typeof piece === 'string' ? piece : piece.toString('utf8');
    if (part.length >= partChars) {
      yield part;
      part = '';
    }
  }
  if (part !== '') yield part;
}

/**
 * canonicalParts as UTF-8 bytes, in parts of about `partBytes`: a close stores and hashes its
 * published snapshot (a hundred MB at a million events, a GB at ten million) part by part
 * (ADR 0071), and a CanonicalElements' bytes go into the part as they are written (ADR 0073): no
 * string is made of them. Each part is a view, from its start, of a buffer no other part shares,
 * never written again once yielded, unless the caller gives that buffer back (`part.buffer` into
 * `spare`) once it is done with the part: a new part is then written into it instead of into a
 * new allocation (at ten million events, a new 8 MB buffer per part cost the garbage collector
 * more than the writing).
 */
export function* canonicalPartBuffers(
  document: object,
  partBytes: number,
  spare: ArrayBuffer[] = [],
): Generator<Buffer> {
  const capacity = Math.max(partBytes, 1 << 12) + (1 << 20);
  const take = () => {
    const reused = spare.pop();
    return reused ? Buffer.from(reused) : Buffer.allocUnsafeSlow(capacity);
  };
  let part = take();
  let at = 0;
  for (const piece of canonicalPieces(document)) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    if (at + bytes.length > part.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(part.length * 2, at + bytes.length));
      part.copy(grown, 0, 0, at);
      part = grown;
    }
    at += bytes.copy(part, at);
    if (at >= partBytes) {
      yield part.subarray(0, at);
      part = take();
      at = 0;
    }
  }
  if (at > 0) yield part.subarray(0, at);
}
