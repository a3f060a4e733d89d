/**
 * Compares two strings by Unicode code point, the order SPEC §2 ranks lrm keys and §6 sorts
 * members by. JavaScript's `<` compares UTF-16 code units, which puts U+E000–U+FFFF after the
 * astral planes; the fix-up below moves surrogates above them, so the order is by code point.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}
