import type { IncomingHttpHeaders } from 'node:http';

/** A Node request (or one read from Fastify) as a Web `Request` for Fedify, at `url` (built from PUBLIC_ORIGIN). */
export function toWebRequest(
  source: { method?: string; headers: IncomingHttpHeaders },
  url: URL,
  body?: Buffer,
): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(source.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return new Request(url, { method: source.method, headers, body });
}
