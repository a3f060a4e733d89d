import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { containsNul, NUL_MESSAGE, NUL_REASON } from './nul-text';

/**
 * REST twin of inputTextPlugin: a body, query string or path parameter carrying U+0000 is
 * answered 400 before any handler runs (PostgreSQL text cannot store it). GraphQL requests are
 * checked by the plugin, which answers in GraphQL's shape.
 */
export function nulInputHook(graphqlPath: string): preHandlerHookHandler {
  return (request: FastifyRequest, reply: FastifyReply, done) => {
    if (request.url.split('?')[0] === graphqlPath) return done();
    if (!containsNul(request.params) && !containsNul(request.query) && !containsNul(request.body)) return done();
    const statusCode = 400;
    void reply
      .status(statusCode)
      .send({ statusCode, error: STATUS_CODES[statusCode], message: NUL_MESSAGE, reason: NUL_REASON });
  };
}
