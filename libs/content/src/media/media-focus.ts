import { ContentErrorCode, ContentException } from '../content.exception';
import type { MediaFocus } from './media-view';

const invalid = () =>
  new ContentException(ContentErrorCode.InvalidFocus, 'A focal point is two numbers from -1 to 1, as "x,y"');

/** A focal point as given: both coordinates finite and within −1..1, or a clear error. */
export function checkFocus(focus: MediaFocus): MediaFocus {
  const ok = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= -1 && n <= 1;
  if (!ok(focus.x) || !ok(focus.y)) throw invalid();
  // −0 reads as 0 in JSON anyway; store it so.
  return { x: focus.x + 0, y: focus.y + 0 };
}

/** Mastodon's form of a focal point, `"x,y"` (e.g. `"-0.5,0.25"`); blank is none. */
export function parseFocus(text: string | null | undefined): MediaFocus | null {
  if (text === null || text === undefined || !text.trim()) return null;
  const parts = text.split(',');
  if (parts.length !== 2 || parts.some((part) => !/^\s*[-+]?(\d+\.?\d*|\.\d+)\s*$/.test(part))) throw invalid();
  return checkFocus({ x: Number(parts[0]), y: Number(parts[1]) });
}
