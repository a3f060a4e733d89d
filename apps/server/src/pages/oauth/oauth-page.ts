import type { FastifyReply } from 'fastify';
import type { SafeHtml } from '../html';

/**
 * The OAuth pages' CSP: no script at all, styles only from the served stylesheet, forms only to
 * this origin, plus, on the consent page, the app's redirect target (Chromium checks form-action
 * on the redirect that follows the POST).
 */
export function oauthPageCsp(formTarget: string | null = null): string {
  const formAction = formTarget ? `'self' ${formTarget}` : "'self'";
  return (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; " +
    `form-action ${formAction}; frame-ancestors 'none'`
  );
}

/**
 * The CSP source for where a redirect URI points: its origin for http(s), its scheme for an
 * app's own scheme (`elk:`), nothing for the out-of-band page. Only registered URIs reach here.
 */
export function formTargetOf(redirectUri: string): string | null {
  try {
    const url = new URL(redirectUri);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    if (url.protocol === 'urn:') return null;
    return /^[a-z][a-z0-9+.-]*:$/i.test(url.protocol) ? url.protocol : null;
  } catch {
    return null;
  }
}

export function sendOAuthPage(
  reply: FastifyReply,
  status: number,
  body: SafeHtml,
  formTarget: string | null = null,
): FastifyReply {
  return reply
    .status(status)
    .headers({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': oauthPageCsp(formTarget),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      // Pages with a CSRF token, a code, or who is signed in: never stored.
      'cache-control': 'no-store',
    })
    .send(body.value);
}

/** A 303 to a page of this site (after a POST), never cached. */
export function redirectTo(reply: FastifyReply, location: string, status = 303): FastifyReply {
  return reply.status(status).headers({ location, 'cache-control': 'no-store' }).send();
}

/**
 * Where to go after signing in: a path on this site only (`/…`, not `//host` or `/\\host`,
 * which browsers read as another origin); otherwise the authorized-apps page.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 4000) return '/oauth/authorized_applications';
  return /^\/(?![/\\])/.test(value) && !/[\s\\]/.test(value) ? value : '/oauth/authorized_applications';
}

/** A string field of a query or form body ('' when absent or not a string). */
export function field(input: Record<string, unknown> | undefined, name: string): string {
  const value = input?.[name];
  return typeof value === 'string' ? value : '';
}
