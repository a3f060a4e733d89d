import { decodeCursor } from '@guildhall/core';
import { SocialErrorCode, SocialException } from '../social.exception';

/** The id a page starts below, from a Relay `after` cursor; a cursor that does not decode is bad input. */
export function pageStart(after: string | null | undefined): string | null {
  if (after === null || after === undefined) return null;
  const id = decodeCursor(after);
  if (id === null) throw new SocialException(SocialErrorCode.InvalidCursor, 'after is not a valid cursor');
  return id;
}
