import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { DomainException, GraphqlErrorCode } from '@guildhall/core';
import { MEDIA_HTTP_STATUS } from '@guildhall/content';
import type { FastifyReply } from 'fastify';
import { MastodonException } from './mastodon.exception';

/** A domain exception's GraphQL code, as the Mastodon API's status (validation is 422 there). */
const STATUS_BY_CODE: Record<GraphqlErrorCode, HttpStatus> = {
  [GraphqlErrorCode.BAD_USER_INPUT]: HttpStatus.UNPROCESSABLE_ENTITY,
  [GraphqlErrorCode.UNAUTHENTICATED]: HttpStatus.UNAUTHORIZED,
  [GraphqlErrorCode.FORBIDDEN]: HttpStatus.FORBIDDEN,
  [GraphqlErrorCode.NOT_FOUND]: HttpStatus.NOT_FOUND,
  [GraphqlErrorCode.CONFLICT]: HttpStatus.UNPROCESSABLE_ENTITY,
  [GraphqlErrorCode.RATE_LIMITED]: HttpStatus.TOO_MANY_REQUESTS,
  [GraphqlErrorCode.INTERNAL_SERVER_ERROR]: HttpStatus.INTERNAL_SERVER_ERROR,
};

/** Reasons whose status on the Mastodon API differs from their GraphQL code's. */
const STATUS_BY_REASON: Partial<Record<string, HttpStatus>> = {
  // 413 for an oversized upload, 415 for a file that is not an image (as the upload route had).
  ...MEDIA_HTTP_STATUS,
};

/** What Mastodon says for a missing or bad token. */
const UNAUTHORIZED_MESSAGE = 'The access token is invalid';

/**
 * Every error on a Mastodon API route as Mastodon renders it: `{ "error": "…" }` with Mastodon's
 * status. Module exceptions keep their message; Nest's validation errors become 422; anything
 * unexpected is logged and answers a bare 500.
 */
@Catch()
export class MastodonExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(MastodonExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const [status, body] = this.render(exception);
    if (exception instanceof DomainException) {
      const retryAfter = exception.details.retryAfterSeconds;
      if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
    }
    void reply.status(status).send(body);
  }

  private render(exception: unknown): [HttpStatus, Record<string, unknown>] {
    if (exception instanceof MastodonException) {
      return [exception.status, { error: exception.message, ...exception.extra }];
    }
    if (exception instanceof DomainException) {
      const reason = (exception as DomainException<string>).reason;
      const status = STATUS_BY_REASON[reason] ?? STATUS_BY_CODE[exception.graphqlCode];
      const message = status === HttpStatus.UNAUTHORIZED ? UNAUTHORIZED_MESSAGE : exception.message;
      return [status, { error: message }];
    }
    if (exception instanceof HttpException) {
      const status: number = exception.getStatus();
      const response = exception.getResponse();
      let message = exception.message;
      if (typeof response === 'object' && response && 'message' in response) {
        const given: unknown = response.message;
        if (Array.isArray(given)) message = given.map(String).join('; ');
        else if (typeof given === 'string') message = given;
      }
      // Nest's ValidationPipe answers 400; Mastodon says 422 for invalid parameters.
      return [status === 400 ? HttpStatus.UNPROCESSABLE_ENTITY : status, { error: message }];
    }
    this.logger.error({ msg: 'unexpected error on the Mastodon API', err: exception });
    return [HttpStatus.INTERNAL_SERVER_ERROR, { error: 'Internal server error' }];
  }
}
