import type { FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';

/**
 * The last bound on a GraphQL answer: a serialized response over `maxBytes` is replaced by a
 * refusal (HTTP 400, `RESPONSE_TOO_LARGE`). Complexity bounds how many fields run; this bounds
 * what they add up to, whatever the size of each (ADR 0020). Measuring costs nothing: Apollo
 * hands Fastify the response as one string.
 */
export function graphqlResponseLimit(path: string, maxBytes: number): onSendHookHandler {
  return (request: FastifyRequest, reply: FastifyReply, payload: unknown, done) => {
    if (typeof payload !== 'string' || request.url.split('?')[0] !== path) return done(null, payload);
    // UTF-16 length ≤ UTF-8 bytes ≤ 3× it: measure bytes only when the length leaves a doubt.
    if (payload.length * 3 <= maxBytes || Buffer.byteLength(payload) <= maxBytes) return done(null, payload);
    void reply.status(400).header('content-type', 'application/json; charset=utf-8');
    return done(
      null,
      JSON.stringify({
        errors: [
          {
            message: `The response would exceed ${maxBytes} bytes; ask for fewer or smaller pages`,
            extensions: { code: 'RESPONSE_TOO_LARGE', maxBytes },
          },
        ],
      }),
    );
  };
}
