import { STATUS_CODES } from 'node:http';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainException, GraphqlErrorCode } from './domain.exception';

export const HTTP_STATUS_BY_GRAPHQL_CODE: Record<GraphqlErrorCode, HttpStatus> = {
  [GraphqlErrorCode.BAD_USER_INPUT]: HttpStatus.BAD_REQUEST,
  [GraphqlErrorCode.UNAUTHENTICATED]: HttpStatus.UNAUTHORIZED,
  [GraphqlErrorCode.FORBIDDEN]: HttpStatus.FORBIDDEN,
  [GraphqlErrorCode.NOT_FOUND]: HttpStatus.NOT_FOUND,
  [GraphqlErrorCode.CONFLICT]: HttpStatus.CONFLICT,
  [GraphqlErrorCode.RATE_LIMITED]: HttpStatus.TOO_MANY_REQUESTS,
  [GraphqlErrorCode.INTERNAL_SERVER_ERROR]: HttpStatus.INTERNAL_SERVER_ERROR,
};

/**
 * Every module's exception on a REST route (the AuthGuard's 401 included) as
 * `{ statusCode, error, message, reason }` instead of a 500. GraphQL errors are left to
 * formatGraphqlError: in any other context the exception is rethrown, exactly as if no filter
 * matched (returning it would make it the resolver's value).
 */
@Catch(DomainException)
export class DomainHttpExceptionFilter implements ExceptionFilter<DomainException> {
  /**
   * @param statusByReason statuses more precise than the GraphQL code's for some reasons on a
   * controller's routes, e.g. 413 for an upload that is too large (`@UseFilters(new …(map))`).
   */
  constructor(private readonly statusByReason: Partial<Record<string, HttpStatus>> = {}) {}

  catch(exception: DomainException, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const statusCode = this.statusByReason[exception.reason] ?? HTTP_STATUS_BY_GRAPHQL_CODE[exception.graphqlCode];
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
