import { type ClientOptions, WebSocket } from 'ws';

/** A Mastodon streaming message as the server sends it (`payload` is a JSON string, or an id). */
export interface StreamMessage {
  stream?: string[];
  event?: string;
  payload?: string;
  error?: string;
  status?: number;
}

/** A raw streaming socket that records every message, open (or refused with its status). */
export async function openStream(
  url: string,
  protocols?: string | string[],
  options: ClientOptions = {},
): Promise<{ ws: WebSocket; messages: StreamMessage[]; closed: Promise<number> }> {
  const ws = new WebSocket(url, protocols, options);
  const messages: StreamMessage[] = [];
  ws.on('message', (data) => messages.push(JSON.parse((data as Buffer).toString('utf8')) as StreamMessage));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return { ws, messages, closed };
}

/** Polls `probe` until it returns a value (or throws after `ms`). */
export async function until<T>(probe: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
