import { Injectable } from '@nestjs/common';
import { ConfigService, DomainException, GraphqlErrorCode } from '@guildhall/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Interpolation } from '../pages/html';
import { BrowserSessions } from '../pages/oauth/browser-session';
import { field } from '../pages/oauth/oauth-page';
import { Formatter, localeOf } from './format';
import { confirmForm, type ConfirmInput, errorBody } from './web-components';
import { contextRoles, type MemberContext, type WebContext } from './web-context';
import { webLayout, type WebLayoutInput } from './web-layout.template';

const NOTICE_COOKIE = 'guildhall_notice';

/** The web app's CSP: scripts and styles only from this origin, forms only to it, no framing. */
export const WEB_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; " +
  "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export type FormBody = Record<string, unknown> | undefined;

export interface SendInput extends WebLayoutInput {
  status?: number;
}

/** The HTTP status and words a form shows for a refused action (a DomainException). */
export interface Refusal {
  status: number;
  message: string;
}

const STATUS_BY_CODE: Record<GraphqlErrorCode, number> = {
  [GraphqlErrorCode.BAD_USER_INPUT]: 422,
  [GraphqlErrorCode.UNAUTHENTICATED]: 401,
  [GraphqlErrorCode.FORBIDDEN]: 403,
  [GraphqlErrorCode.NOT_FOUND]: 404,
  [GraphqlErrorCode.CONFLICT]: 409,
  [GraphqlErrorCode.RATE_LIMITED]: 429,
  [GraphqlErrorCode.INTERNAL_SERVER_ERROR]: 500,
};

/**
 * What every web-app controller uses: the request's context (browser session, CSRF token,
 * locale), page sending with the strict CSP, the sign-in and role gates, CSRF-checked forms,
 * the confirmation step of destructive actions, and redirects that carry a one-time notice.
 * Pages hold no rules: every check and write is the feature lib's, as in GraphQL.
 */
@Injectable()
export class WebApp {
  constructor(
    private readonly sessions: BrowserSessions,
    private readonly config: ConfigService,
  ) {}

  async context(request: FastifyRequest, reply: FastifyReply): Promise<WebContext> {
    const visitor = await this.sessions.visitor(request, reply);
    const signedIn = visitor.signedIn;
    const acceptLanguage = request.headers['accept-language'];
    return {
      visitor,
      signedIn,
      csrf: visitor.sessionCsrf ?? visitor.anonymousCsrf,
      ...contextRoles(signedIn),
      fmt: new Formatter(
        localeOf(typeof acceptLanguage === 'string' ? acceptLanguage : undefined),
        this.config.values.coopCurrency,
      ),
      instanceName: this.config.values.instance.name,
      notice: this.takeNotice(request, reply),
      path: request.url,
    };
  }

  isMember(ctx: WebContext): ctx is MemberContext {
    return ctx.signedIn !== null;
  }

  send(reply: FastifyReply, ctx: WebContext, { status = 200, ...page }: SendInput): FastifyReply {
    const notice = page.notice ?? ctx.notice;
    return reply
      .status(status)
      .headers({
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': WEB_CSP,
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'same-origin',
        // Pages with a CSRF token and a member's own figures: never stored by a cache.
        'cache-control': 'no-store',
        vary: 'Cookie, Accept-Language',
      })
      .send(webLayout(ctx, { ...page, notice }).value);
  }

  /** Signed out: to the sign-in page, coming back here afterwards. */
  signInFirst(reply: FastifyReply, ctx: WebContext): FastifyReply {
    const returnTo = ctx.path.startsWith('/') && !ctx.path.startsWith('//') ? ctx.path : '/';
    return this.redirect(reply, `/auth/sign_in?return_to=${encodeURIComponent(returnTo)}`);
  }

  forbidden(
    reply: FastifyReply,
    ctx: WebContext,
    message = 'This page is for stewards of the instance.',
  ): FastifyReply {
    return this.send(reply, ctx, {
      status: 403,
      title: 'Not allowed',
      section: 'home',
      body: errorBody('Not allowed', message),
    });
  }

  notFound(reply: FastifyReply, ctx: WebContext, message = 'There is nothing here.'): FastifyReply {
    return this.send(reply, ctx, {
      status: 404,
      title: 'Not found',
      section: 'home',
      body: errorBody('Not found', message),
    });
  }

  /**
   * Whether a POST is this site's own form for this visitor: Origin (or Referer) names this
   * origin and the token matches the session's (signed in) or the browser's (signed out).
   */
  acceptsForm(request: FastifyRequest, ctx: WebContext, body: FormBody): boolean {
    return this.sessions.acceptsPost(
      request,
      ctx.visitor,
      body?.authenticity_token,
      ctx.signedIn ? 'session' : 'anonymous',
    );
  }

  /** The answer to a forged or stale form: 403, nothing changed. */
  formExpired(reply: FastifyReply, ctx: WebContext): FastifyReply {
    return this.send(reply, ctx, {
      status: 403,
      title: 'Form expired',
      section: 'home',
      body: errorBody(
        'Form expired',
        'This form was not sent from this site or has expired. Go back, reload and try again.',
      ),
    });
  }

  /** Whether a destructive action's form came back from its confirmation step. */
  confirmed(body: FormBody): boolean {
    return field(body, 'confirm') === 'yes';
  }

  /** The confirmation step: the same action again, with its fields and `confirm=yes`. */
  confirm(reply: FastifyReply, ctx: WebContext, input: ConfirmInput & Pick<WebLayoutInput, 'section'>): FastifyReply {
    return this.send(reply, ctx, { title: input.title, section: input.section, body: confirmForm(ctx, input) });
  }

  /** A 303 after a form, with a one-line notice shown once on the next page. */
  redirect(reply: FastifyReply, location: string, notice?: string): FastifyReply {
    if (notice) this.setNotice(reply, notice);
    return reply.status(303).headers({ location, 'cache-control': 'no-store' }).send();
  }

  /** An expected refusal (a feature lib's DomainException) as words for the form, or null. */
  refusal(error: unknown): Refusal | null {
    if (!(error instanceof DomainException)) return null;
    const status = STATUS_BY_CODE[error.graphqlCode];
    if (status >= 500) return null;
    return { status, message: error.message };
  }

  /** Sends an error page for a refused action, or rethrows what is not a refusal. */
  refused(
    reply: FastifyReply,
    ctx: WebContext,
    error: unknown,
    section: WebLayoutInput['section'],
    back?: Interpolation,
  ): FastifyReply {
    const shown = this.refusal(error);
    if (!shown) throw error;
    return this.send(reply, ctx, {
      status: shown.status,
      title: 'Not done',
      section,
      body: errorBody('Not done', shown.message, back),
    });
  }

  private setNotice(reply: FastifyReply, text: string): void {
    const value = Buffer.from(text.slice(0, 300), 'utf8').toString('base64url');
    const secure = this.config.values.publicOrigin.startsWith('https:') ? '; Secure' : '';
    void reply.header('set-cookie', `${NOTICE_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60${secure}`);
  }

  private takeNotice(request: FastifyRequest, reply: FastifyReply): WebContext['notice'] {
    const match = /(?:^|;\s*)guildhall_notice=([A-Za-z0-9_-]{1,600})/.exec(request.headers.cookie ?? '');
    if (!match) return null;
    void reply.header('set-cookie', `${NOTICE_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
    return { kind: 'ok', text: Buffer.from(match[1], 'base64url').toString('utf8') };
  }
}
