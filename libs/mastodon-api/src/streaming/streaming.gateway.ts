import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type WebSocket, WebSocketServer } from 'ws';
import { type AuthContext, AuthService } from '@guildhall/identity';
import { type StreamConnection, StreamingHub, streamName } from './streaming-hub';
import { streamKey } from './stream-request';

export const STREAMING_PATH = '/api/v1/streaming';
const MAX_MESSAGE_BYTES = 4096;

/** The token of an upgrade: `access_token` query param, `Sec-WebSocket-Protocol`, or `Authorization: Bearer`. */
export function tokenOf(request: IncomingMessage, url: URL): string | null {
  const query = url.searchParams.get('access_token');
  if (query) return query;
  const protocol = request.headers['sec-websocket-protocol'];
  if (typeof protocol === 'string' && protocol.trim()) return protocol.split(',')[0].trim();
  const header = request.headers.authorization;
  return typeof header === 'string' ? (/^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? null) : null;
}

function refuse(socket: Duplex, status: 400 | 401, error: string): void {
  const body = JSON.stringify({ error });
  const reason = status === 401 ? 'Unauthorized' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Mastodon's streaming WebSocket at /api/v1/streaming, on the HTTP server's upgrade event beside
 * graphql-ws (which answers only /graphql). An app token or a first-party session is checked as
 * the AuthGuard checks it; the first stream may be named in the query, others subscribed to with
 * `{"type":"subscribe","stream":"hashtag","tag":"x"}` messages.
 */
@Injectable()
export class StreamingGateway implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StreamingGateway.name);
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly hub: StreamingHub,
    private readonly auth: AuthService,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as
      { on(event: 'upgrade', listener: (r: IncomingMessage, s: Duplex, h: Buffer) => void): void } | undefined;
    server?.on('upgrade', (request, socket, head) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname !== STREAMING_PATH) return;
      void this.upgrade(request, socket, head, url);
    });
  }

  onApplicationShutdown(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  /** A first-party JWT or an app token, as a session; null when neither is valid. */
  async authenticate(token: string | null): Promise<AuthContext | null> {
    if (!token || token.length > 4096) return null;
    try {
      const found = await this.auth.authenticateAccessToken(token);
      return 'user' in found ? found.user : null;
    } catch {
      return null;
    }
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    const user = await this.authenticate(tokenOf(request, url));
    if (!user) return refuse(socket, 401, 'Error: Invalid access token');
    const initial = url.searchParams.get('stream');
    const first = initial ? streamKey(initial, Object.fromEntries(url.searchParams), user.scopes) : null;
    if (first && 'error' in first) return refuse(socket, 400, first.error);
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, user, first?.key ?? null));
  }

  private accept(ws: WebSocket, user: AuthContext, firstKey: string | null): void {
    const connection: StreamConnection = {
      accountId: user.accountId,
      scopes: user.scopes,
      streams: new Set(firstKey ? [firstKey] : []),
      send: (stream, event, payload) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ stream, event, payload }));
      },
    };
    this.hub.add(connection);
    ws.on('close', () => this.hub.remove(connection));
    ws.on('error', () => this.hub.remove(connection));
    ws.on('message', (data) => this.onMessage(ws, connection, (data as Buffer).toString('utf8')));
  }

  private onMessage(ws: WebSocket, connection: StreamConnection, text: string): void {
    let message: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
      message = parsed as Record<string, unknown>;
    } catch {
      ws.send(JSON.stringify({ error: 'Invalid JSON', status: 400 }));
      return;
    }
    if (message.type !== 'subscribe' && message.type !== 'unsubscribe') return;
    const found = streamKey(message.stream, message, connection.scopes);
    if ('error' in found) {
      ws.send(JSON.stringify({ error: found.error, status: 400 }));
      return;
    }
    if (message.type === 'subscribe') connection.streams.add(found.key);
    else connection.streams.delete(found.key);
    this.logger.debug({ msg: message.type, accountId: connection.accountId, stream: streamName(found.key) });
  }
}
