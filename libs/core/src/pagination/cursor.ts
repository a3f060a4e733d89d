import { DomainException, GraphqlErrorCode } from '../errors/domain.exception';
import { UUID_PATTERN } from '../ids/uuid-v7';

/**
 * Opaque Relay cursors over time-ordered (UUIDv7) ids: base64url of "v1:<id>". Clients must not
 * build them; a cursor that does not decode is BAD_USER_INPUT, not an empty page.
 */
export function encodeCursor(id: string): string {
  return Buffer.from(`v1:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): string | null {
  if (cursor.length > 100) return null;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^v1:(.+)$/.exec(decoded);
  return match && UUID_PATTERN.test(match[1]) ? match[1].toLowerCase() : null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 40;

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
}

/** Given `first + 1` rows, the page and whether there is another. */
export function toPage<T>(rows: T[], first: number): Page<T> {
  return { items: rows.slice(0, first), hasNextPage: rows.length > first };
}

/** A Relay `after` that does not decode: bad input, never an empty page. Shared by every connection. */
export class InvalidCursorException extends DomainException<'INVALID_CURSOR'> {
  readonly graphqlCode = GraphqlErrorCode.BAD_USER_INPUT;

  constructor() {
    super('INVALID_CURSOR', 'after is not a valid cursor');
  }
}

/** The id a page continues from (null for the first page), or InvalidCursorException. */
export function afterCursor(after: string | null | undefined): string | null {
  if (!after) return null;
  const id = decodeCursor(after);
  if (!id) throw new InvalidCursorException();
  return id;
}
