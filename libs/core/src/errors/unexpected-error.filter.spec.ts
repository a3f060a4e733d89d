import type { ArgumentsHost } from '@nestjs/common';
import { NotFoundException } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { requestContext } from '../logging/logger';
import { UnexpectedErrorFilter } from './unexpected-error.filter';

/** A Fastify reply as far as the filter and Nest's base filter use it. */
function fakeReply() {
  const sent: { status?: number; body?: unknown } = {};
  const reply = {
    sent: false,
    status(code: number) {
      sent.status = code;
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  return { reply, sent };
}

function httpHost(reply: unknown): ArgumentsHost {
  return {
    getType: () => 'http',
    switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({}), getNext: () => undefined }),
    getArgs: () => [{}, reply],
    getArgByIndex: (i: number) => [{}, reply][i],
    switchToRpc: () => {
      throw new Error('not rpc');
    },
    switchToWs: () => {
      throw new Error('not ws');
    },
  } as unknown as ArgumentsHost;
}

describe('UnexpectedErrorFilter', () => {
  it('answers an unexpected REST error with 500, a fixed message and the request id', () => {
    const filter = new UnexpectedErrorFilter();
    const { reply, sent } = fakeReply();
    requestContext.run({ requestId: 'req-7' }, () =>
      filter.catch(new Error('invalid byte sequence for encoding "UTF8": 0x00'), httpHost(reply)),
    );
    expect(sent).toEqual({
      status: 500,
      body: {
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'Internal server error (request req-7)',
        requestId: 'req-7',
      },
    });
  });

  it("leaves HttpExceptions to Nest's own answer", () => {
    const replied: unknown[] = [];
    const adapter = {
      isHeadersSent: () => false,
      reply: (_res: unknown, body: unknown, status: number) => replied.push({ status, body }),
    } as unknown as AbstractHttpAdapter;
    const filter = new UnexpectedErrorFilter(adapter);
    filter.catch(new NotFoundException('No such page'), httpHost(fakeReply().reply));
    expect(replied).toEqual([{ status: 404, body: { statusCode: 404, error: 'Not Found', message: 'No such page' } }]);
  });

  it('rethrows outside HTTP (GraphQL errors belong to formatGraphqlError)', () => {
    const error = new Error('boom');
    const host = { getType: () => 'graphql' } as unknown as ArgumentsHost;
    expect(() => new UnexpectedErrorFilter().catch(error, host)).toThrow(error);
  });
});
