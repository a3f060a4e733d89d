import type { FastifyReply } from 'fastify';
import type { SafeHtml } from './html';

export interface Page {
  status: 200 | 404 | 410;
  body: SafeHtml;
}

/** No scripts at all; images from here or any https origin; inline styles only. */
export const PAGE_CSP =
  "default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'";

/**
 * Sends a page straight through Fastify's reply: the status is part of the page (404 and 410
 * are pages too), so no exception reaches the global filter and turns it into JSON.
 */
export function sendPage(reply: FastifyReply, page: Page): FastifyReply {
  return reply
    .status(page.status)
    .headers({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': PAGE_CSP,
      'x-content-type-options': 'nosniff',
      // The same URLs answer ActivityPub JSON (Fedify) to other Accept headers, and a reader
      // with a bearer token may see more than anyone else.
      vary: 'Accept, Authorization',
    })
    .send(page.body.value);
}
