import { type ArgumentsHost, Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { requestContext } from '../logging/logger';

const logger = new Logger('HTTP');

/** Errors that carry their own 4xx/5xx (Fastify's, some libraries'): Nest answers those as they are. */
function hasHttpStatus(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && typeof (error as { statusCode?: unknown }).statusCode === 'number'
  );
}

/**
 * Every REST error no other filter took. HttpExceptions keep Nest's answer; anything unexpected
 * (a PostgreSQL error, a bug) is logged with its detail and answered with a fixed 500 and the
 * request id, never with its own message. GraphQL errors are left to formatGraphqlError.
 * Register it before DomainHttpExceptionFilter: Nest tries global filters last-registered first.
 */
@Catch()
export class UnexpectedErrorFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    if (exception instanceof HttpException || hasHttpStatus(exception)) return super.catch(exception, host);
    const requestId = requestContext.getStore()?.requestId;
    logger.error({ msg: 'unexpected error on a REST route', err: exception, requestId });
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) return;
    const statusCode = HttpStatus.INTERNAL_SERVER_ERROR;
    void reply.status(statusCode).send({
      statusCode,
      error: 'Internal Server Error',
      message: requestId ? `Internal server error (request ${requestId})` : 'Internal server error',
      ...(requestId ? { requestId } : {}),
    });
  }
}
