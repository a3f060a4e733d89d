import { GraphQLError } from 'graphql';
import { requestContext } from '../logging/logger';
import { formatGraphqlError } from './format-error';

describe('formatGraphqlError', () => {
  const pgMessage = 'invalid byte sequence for encoding "UTF8": 0x00';

  it('answers an unexpected error with a fixed message and the request id, never its own text', () => {
    // What Apollo hands the formatter for an error it does not know: its message, labelled INTERNAL_SERVER_ERROR.
    const formatted = { message: pgMessage, path: ['createPost'], extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    const error = new GraphQLError(pgMessage, { originalError: new Error(pgMessage), path: ['createPost'] });
    const result = requestContext.run({ requestId: 'req-42' }, () => formatGraphqlError(formatted, error));
    expect(result).toEqual({
      message: 'Internal server error (request req-42)',
      locations: undefined,
      path: ['createPost'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-42' },
    });
  });

  it('keeps the codes that describe the request', () => {
    const formatted = { message: 'Cannot query field "nope"', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
    expect(formatGraphqlError(formatted, new GraphQLError(formatted.message))).toEqual({
      message: 'Cannot query field "nope"',
      locations: undefined,
      path: undefined,
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });
});
