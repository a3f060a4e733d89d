import { Get, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AuthContext, CurrentAuth, Public } from '@guildhall/identity';
import { MastodonController } from '../http/mastodon-controller.decorator';
import { MastodonException } from '../http/mastodon.exception';
import { type StreamConnection, StreamingHub } from './streaming-hub';
import { StreamingGateway } from './streaming.gateway';
import { streamingToken } from './stream-request';

const HEARTBEAT_MS = 15_000;

/**
 * Mastodon's server-sent-event streams (`GET /api/v1/streaming/user` …) and its health check.
 * Each is one stream held open: `event: update\ndata: <status JSON>`, a comment every 15 s. The
 * token may be a bearer header or, as EventSource cannot send headers, the `access_token` query
 * parameter — decided by the same AuthService.authenticateBearer as every other request.
 */
@MastodonController('api/v1/streaming')
export class StreamingController {
  constructor(
    private readonly hub: StreamingHub,
    private readonly gateway: StreamingGateway,
  ) {}

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
    'list',
    'direct',
  ])
  // The AuthGuard checks a bearer header (and sets the member); a query token is checked here.
  @Public()
  async stream(
    @CurrentAuth() bearer: AuthContext | undefined,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const [path, search = ''] = request.url.split('?');
    const auth = bearer ?? (await this.gateway.authenticate(streamingToken({}, new URLSearchParams(search))));
    if (!auth) throw new MastodonException(401, 'Invalid access token');
    const name = path.replace(/^\/api\/v1\/streaming\//, '').replace(/\//g, ':');
    const found = await this.gateway.resolve(auth, name, query);
    if ('error' in found) throw new MastodonException(found.status, found.error);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'private, no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(':)\n\n');
    const connection: StreamConnection = {
      accountId: auth.accountId,
      sessionId: auth.sessionId,
      scopes: auth.scopes,
      streams: new Set([found.key]),
      send: (_stream, event, payload) => void raw.write(`event: ${event}\ndata: ${payload ?? 'undefined'}\n\n`),
      close: () => raw.end(),
    };
    this.hub.add(connection);
    const heartbeat = setInterval(() => raw.write(':thump\n\n'), HEARTBEAT_MS);
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      this.hub.remove(connection);
    });
  }
}
