import { HttpStatus } from '@nestjs/common';

/**
 * An error of the Mastodon client API, answered as Mastodon does: `{ "error": "…" }` with its
 * status (401 no or bad token, 403 wrong scope, 404 what the reader may not see, 422 invalid
 * params, 429 too many requests).
 */
export class MastodonException extends Error {
  constructor(
    readonly status: HttpStatus,
    message: string,
    /** Extra members of the body (OAuth's `error_description`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'MastodonException';
  }

  static notFound(): MastodonException {
    return new MastodonException(HttpStatus.NOT_FOUND, 'Record not found');
  }

  static unprocessable(message: string): MastodonException {
    return new MastodonException(HttpStatus.UNPROCESSABLE_ENTITY, message);
  }

  static forbidden(message = 'This action is not allowed'): MastodonException {
    return new MastodonException(HttpStatus.FORBIDDEN, message);
  }
}
