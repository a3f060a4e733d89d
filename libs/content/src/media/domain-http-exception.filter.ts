import { STATUS_CODES } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import { DomainException, HTTP_STATUS_BY_GRAPHQL_CODE } from '@guildhall/core';
import type { FastifyReply } from 'fastify';
import { ContentErrorCode } from '../content.exception';

/** Where HTTP has a more precise status than BAD_USER_INPUT's 400. */
const BY_REASON: Partial<Record<string, HttpStatus>> = {
  [ContentErrorCode.MediaTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [ContentErrorCode.UnsupportedMediaType]: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  [ContentErrorCode.ImageDimensionsTooLarge]: HttpStatus.UNPROCESSABLE_ENTITY,
};

/**
 * The media routes' statuses: the global DomainHttpExceptionFilter's, with 413/415/422 where
 * HTTP says more precisely what was wrong with an upload than 400 does.
 */
@Catch(DomainException)
export class DomainHttpExceptionFilter implements ExceptionFilter<DomainException> {
  catch(exception: DomainException, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const statusCode = BY_REASON[exception.reason] ?? HTTP_STATUS_BY_GRAPHQL_CODE[exception.graphqlCode];
    const retryAfter = exception.details.retryAfterSeconds;
    if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
    void reply.status(statusCode).send({
      statusCode,
      error: STATUS_CODES[statusCode],
      message: exception.message,
      reason: exception.reason,
    });
  }
}
