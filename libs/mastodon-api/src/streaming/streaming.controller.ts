import { Get, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AuthContext, CurrentAuth, Public } from '@guildhall/identity';
import { MastodonController } from '../http/mastodon-controller.decorator';
import { MastodonException } from '../http/mastodon.exception';
import { type StreamConnection, StreamingHub } from './streaming-hub';
import { streamKey } from './stream-request';

const HEARTBEAT_MS = 15_000;

/**
 * Mastodon's server-sent-event streams (`GET /api/v1/streaming/user` …) and its health check.
 * Each is one stream held open: `event: update\ndata: <status JSON>`, a comment every 15 s.
 */
@MastodonController('api/v1/streaming')
export class StreamingController {
  constructor(private readonly hub: StreamingHub) {}

  @Get('health')
  @Public()
  health(@Res() reply: FastifyReply) {
    void reply.type('text/plain').send('OK');
  }

  @Get([
    'user',
    'user/notification',
    'public',
    'public/local',
    'public/remote',
    'public/media',
    'public/local/media',
    'public/remote/media',
    'hashtag',
    'hashtag/local',
    'direct',
  ])
  stream(
    @CurrentAuth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const name = request.url
      .split('?')[0]
      .replace(/^\/api\/v1\/streaming\//, '')
      .replace(/\//g, ':');
    const found = streamKey(name, query, auth.scopes);
    if ('error' in found) throw MastodonException.unprocessable(found.error);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(':)\n\n');
    const connection: StreamConnection = {
      accountId: auth.accountId,
      scopes: auth.scopes,
      streams: new Set([found.key]),
      send: (_stream, event, payload) => void raw.write(`event: ${event}\ndata: ${payload}\n\n`),
    };
    this.hub.add(connection);
    const heartbeat = setInterval(() => raw.write(':thump\n\n'), HEARTBEAT_MS);
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      this.hub.remove(connection);
    });
  }
}
