import { InvalidCursorException } from '@guildhall/core';

/** Opaque cursors over closed periods, newest first: base64url of "period:<seq>". */
export function encodePeriodCursor(seq: number): string {
  return Buffer.from(`period:${seq}`).toString('base64url');
}

/** The seq a page continues before (null for the first page), or InvalidCursorException. */
export function decodePeriodCursor(after: string | null | undefined): number | null {
  if (!after) return null;
  const match = /^period:(\d{1,9})$/.exec(Buffer.from(after, 'base64url').toString('utf8'));
  if (!match) throw new InvalidCursorException();
  return Number(match[1]);
}
