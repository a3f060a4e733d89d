import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type WebSocket, WebSocketServer } from 'ws';
import { type AuthContext, AuthService } from '@guildhall/identity';
import { ListService } from '@guildhall/social';
import { type StreamConnection, StreamingHub } from './streaming-hub';
import { type StreamError, streamKey, streamName, streamingToken } from './stream-request';

export const STREAMING_PATH = '/api/v1/streaming';
const MAX_MESSAGE_BYTES = 4096;
const MAX_TOKEN_LENGTH = 4096;
/** Mastodon pings every socket this often and drops one that did not answer the last ping. */
const PING_MS = 30_000;

function refuse(socket: Duplex, error: string): void {
  const body = JSON.stringify({ error });
  socket.end(
    `HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Mastodon's streaming WebSocket at /api/v1/streaming, on the HTTP server's upgrade event beside
 * graphql-ws (which answers only /graphql). The token (Authorization header, `access_token`
 * query or Sec-WebSocket-Protocol) is decided by AuthService.authenticateBearer, as for every
 * other request; a bad one is refused with 401 before the upgrade. Streams are subscribed with
 * `?stream=` and with `{"type":"subscribe","stream":"hashtag","tag":"x"}` messages, unsubscribed
 * likewise; a refused subscription answers Mastodon's `{"error": …, "status": …}` on the socket.
 */
@Injectable()
export class StreamingGateway implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StreamingGateway.name);
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  private readonly alive = new WeakSet<WebSocket>();
  private pinger: NodeJS.Timeout | null = null;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly hub: StreamingHub,
    private readonly auth: AuthService,
    private readonly lists: ListService,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as
      { on(event: 'upgrade', listener: (r: IncomingMessage, s: Duplex, h: Buffer) => void): void } | undefined;
    server?.on('upgrade', (request, socket, head) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname !== STREAMING_PATH) return;
      void this.upgrade(request, socket, head, url);
    });
    this.pinger = setInterval(() => this.ping(), PING_MS);
    this.pinger.unref();
  }

  /** Before the HTTP server closes: it would wait for these sockets. */
  beforeApplicationShutdown(): void {
    if (this.pinger) clearInterval(this.pinger);
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  /** A member's session for a streaming token (either kind), or null: no token, a bad one, or an app's own. */
  async authenticate(token: string | null): Promise<AuthContext | null> {
    if (!token || token.length > MAX_TOKEN_LENGTH) return null;
    try {
      const found = await this.auth.authenticateBearer(token);
      return 'user' in found ? found.user : null;
    } catch {
      return null;
    }
  }

  /** The stream key for a subscription by `user`, or Mastodon's error for it. */
  resolve(user: AuthContext, stream: unknown, params: { tag?: unknown; list?: unknown }) {
    return streamKey(stream, params, user.scopes, (listId) =>
      this.lists.get(user.accountId, listId).then(
        () => true,
        () => false,
      ),
    );
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    const user = await this.authenticate(streamingToken(request.headers, url.searchParams));
    if (!user) return refuse(socket, 'Invalid access token');
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, user, url.searchParams));
  }

  private accept(ws: WebSocket, user: AuthContext, query: URLSearchParams): void {
    const connection: StreamConnection = {
      accountId: user.accountId,
      sessionId: user.sessionId,
      scopes: user.scopes,
      streams: new Set(),
      send: (stream, event, payload) => {
        if (ws.readyState !== ws.OPEN) return;
        ws.send(JSON.stringify(payload === undefined ? { stream, event } : { stream, event, payload }));
      },
      close: () => ws.close(1000),
    };
    this.hub.add(connection);
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    ws.on('close', () => this.hub.remove(connection));
    ws.on('error', () => this.hub.remove(connection));
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        ws.close(1003, 'The streaming server does not support binary messages');
        return;
      }
      void this.onMessage(ws, user, connection, (data as Buffer).toString('utf8'));
    });
    const stream = query.getAll('stream');
    if (stream.length) {
      const params = { tag: query.get('tag') ?? undefined, list: query.get('list') ?? undefined };
      void this.change(ws, user, connection, 'subscribe', stream[0], params);
    }
  }

  private async onMessage(ws: WebSocket, user: AuthContext, connection: StreamConnection, text: string) {
    let message: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
      message = parsed as Record<string, unknown>;
    } catch {
      // Mastodon ignores what it cannot parse.
      return;
    }
    if (message.type !== 'subscribe' && message.type !== 'unsubscribe') return;
    await this.change(ws, user, connection, message.type, message.stream, message);
  }

  private async change(
    ws: WebSocket,
    user: AuthContext,
    connection: StreamConnection,
    type: 'subscribe' | 'unsubscribe',
    stream: unknown,
    params: { tag?: unknown; list?: unknown },
  ): Promise<void> {
    const found = await this.resolve(user, stream, params).catch((error: unknown): StreamError => {
      this.logger.warn({ msg: 'stream subscription failed', accountId: user.accountId, err: error });
      return { error: 'An unexpected error occurred', status: 400 };
    });
    if ('error' in found) {
      const error = type === 'subscribe' ? found : { error: 'Error unsubscribing from channel' };
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(error));
      return;
    }
    if (type === 'subscribe') connection.streams.add(found.key);
    else connection.streams.delete(found.key);
    this.logger.debug({ msg: type, accountId: user.accountId, stream: streamName(found.key) });
  }

  /** Pings every socket; one that did not answer the previous ping is dropped. */
  private ping(): void {
    for (const ws of this.wss.clients) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }
}
