import { unwrapResolverError } from '@apollo/server/errors';
import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
import { DomainException, GraphqlErrorCode } from '../errors/domain.exception';
import { requestContext } from '../logging/logger';

const logger = new Logger('GraphQL');

const STATUS_CODES: Partial<Record<number, GraphqlErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: GraphqlErrorCode.BAD_USER_INPUT,
  [HttpStatus.UNAUTHORIZED]: GraphqlErrorCode.UNAUTHENTICATED,
  [HttpStatus.FORBIDDEN]: GraphqlErrorCode.FORBIDDEN,
  [HttpStatus.NOT_FOUND]: GraphqlErrorCode.NOT_FOUND,
  [HttpStatus.CONFLICT]: GraphqlErrorCode.CONFLICT,
  [HttpStatus.TOO_MANY_REQUESTS]: GraphqlErrorCode.RATE_LIMITED,
};

/** Apollo's own codes for errors raised before any resolver ran. */
const APOLLO_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/**
 * What a client sees of an error it could do nothing about: a fixed message and the request id
 * (the `x-request-id` header of the response too) under which the detail was logged.
 */
function internalError(base: GraphQLFormattedError, err: unknown, msg: string): GraphQLFormattedError {
  const requestId = requestContext.getStore()?.requestId;
  logger.error({ msg, err, path: base.path, requestId });
  return {
    ...base,
    message: requestId ? `Internal server error (request ${requestId})` : 'Internal server error',
    extensions: { code: GraphqlErrorCode.INTERNAL_SERVER_ERROR, ...(requestId ? { requestId } : {}) },
  };
}

function validationMessages(response: unknown): string[] | undefined {
  if (typeof response === 'object' && response !== null && 'message' in response) {
    const { message } = response;
    if (Array.isArray(message)) return message.map(String);
  }
  return undefined;
}

/**
 * The one place that turns exceptions into GraphQL errors: every error carries
 * `extensions.code`; unexpected errors are logged and reach the client as a bare
 * INTERNAL_SERVER_ERROR, never with a stack trace or internal message.
 */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };

  if (original instanceof DomainException) {
    return {
      ...base,
      message: original.message,
      extensions: { code: original.graphqlCode, reason: original.reason, ...original.details },
    };
  }
  if (original instanceof HttpException) {
    const status = original.getStatus();
    const code = STATUS_CODES[status] ?? GraphqlErrorCode.INTERNAL_SERVER_ERROR;
    const messages = validationMessages(original.getResponse());
    if (code === GraphqlErrorCode.INTERNAL_SERVER_ERROR) {
      return internalError(base, original, `unexpected HTTP ${status} exception in resolver`);
    }
    return {
      ...base,
      message: messages ? messages.join('; ') : original.message,
      extensions: { code, ...(messages ? { validationErrors: messages } : {}) },
    };
  }
  // Apollo labels every error it does not know INTERNAL_SERVER_ERROR, its internal message kept
  // (a PostgreSQL error, say): only codes that describe the request pass through.
  const existing = formatted.extensions?.code;
  const internal: string = GraphqlErrorCode.INTERNAL_SERVER_ERROR;
  if (
    typeof existing === 'string' &&
    existing !== internal &&
    (APOLLO_CODES.has(existing) || existing in GraphqlErrorCode)
  ) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    void _stacktrace;
    return { ...base, extensions };
  }
  return internalError(base, original, 'unexpected error in resolver');
}
