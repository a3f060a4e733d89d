import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AuthService, IdentityErrorCode, IdentityException, Public, SignUpInput } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BrowserSessions, clientInfo } from './browser-session';
import { OAUTH_PAGES_CSS } from './oauth-pages.css';
import { errorPage, OAUTH_CSS_PATH, signInPage, signUpPage } from './oauth-pages.template';
import { field, redirectTo, safeReturnTo, sendOAuthPage } from './oauth-page';

type Form = Record<string, unknown> | undefined;

const FORM_REFUSALS: ReadonlyMap<string, number> = new Map([
  [IdentityErrorCode.InvalidCredentials, 422],
  [IdentityErrorCode.InvalidUsername, 422],
  [IdentityErrorCode.UsernameTaken, 422],
  [IdentityErrorCode.SignUpRefused, 422],
  [IdentityErrorCode.RateLimited, 429],
  [IdentityErrorCode.AccountSuspended, 403],
]);

/** The status and words a browser form shows for an identity refusal (or null: not a form error). */
function refusal(error: unknown): { status: number; message: string } | null {
  if (!(error instanceof IdentityException)) return null;
  const status = FORM_REFUSALS.get(error.reason);
  if (status === undefined) return null;
  const message = status === 429 ? 'Too many attempts. Wait a few minutes and try again.' : error.message;
  return { status, message };
}

/**
 * The browser session of the OAuth pages: sign in, sign up, sign out, through the identity
 * lib's AuthService (the same rate limits, throttle and rules as GraphQL `logIn`/`signUp`).
 */
@Controller()
export class AuthPagesController {
  constructor(
    private readonly sessions: BrowserSessions,
    private readonly auth: AuthService,
  ) {}

  @Public()
  @Get(OAUTH_CSS_PATH.slice(1))
  stylesheet(@Res() reply: FastifyReply): FastifyReply {
    return reply
      .headers({ 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' })
      .send(OAUTH_PAGES_CSS);
  }

  @Public()
  @Get('auth/sign_in')
  async signInForm(
    @Query('return_to') returnTo: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const visitor = await this.sessions.visitor(request, reply);
    return sendOAuthPage(reply, 200, signInPage({ csrf: visitor.anonymousCsrf, returnTo: safeReturnTo(returnTo) }));
  }

  @Public()
  @Post('auth/sign_in')
  async signIn(@Body() body: Form, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const visitor = await this.sessions.visitor(request, reply);
    if (!this.sessions.acceptsPost(request, visitor, body?.authenticity_token, 'anonymous')) {
      return this.forbidden(reply);
    }
    const returnTo = safeReturnTo(body?.return_to);
    const login = field(body, 'login');
    const password = field(body, 'password');
    const again = (status: number, error: string) =>
      sendOAuthPage(reply, status, signInPage({ csrf: visitor.anonymousCsrf, returnTo, login, error }));
    if (!login.trim() || !password) return again(422, 'Enter your email or username and your password.');
    if (login.length > 254 || password.length > 256) return again(422, 'Wrong username, email or password');
    try {
      const client = clientInfo(request);
      const user = await this.auth.verifyCredentials(login, password, client);
      this.sessions.remember(reply, await this.auth.openSessionFor(user, client));
    } catch (error) {
      const shown = refusal(error);
      if (!shown) throw error;
      return again(shown.status, shown.message);
    }
    return redirectTo(reply, returnTo);
  }

  @Public()
  @Get('auth/sign_up')
  async signUpForm(
    @Query('return_to') returnTo: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const visitor = await this.sessions.visitor(request, reply);
    return sendOAuthPage(reply, 200, signUpPage({ csrf: visitor.anonymousCsrf, returnTo: safeReturnTo(returnTo) }));
  }

  @Public()
  @Post('auth/sign_up')
  async signUp(@Body() body: Form, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const visitor = await this.sessions.visitor(request, reply);
    if (!this.sessions.acceptsPost(request, visitor, body?.authenticity_token, 'anonymous')) {
      return this.forbidden(reply);
    }
    const returnTo = safeReturnTo(body?.return_to);
    const input = {
      username: field(body, 'username').trim(),
      email: field(body, 'email').trim(),
      password: field(body, 'password'),
      displayName: field(body, 'display_name').trim() || null,
    };
    const again = (status: number, error: string) =>
      sendOAuthPage(
        reply,
        status,
        signUpPage({
          csrf: visitor.anonymousCsrf,
          returnTo,
          username: input.username,
          email: input.email,
          displayName: input.displayName ?? '',
          error,
        }),
      );
    // The rules GraphQL's signUp input enforces, then the service's own.
    const [invalid] = await validate(plainToInstance(SignUpInput, input));
    if (invalid) return again(422, Object.values(invalid.constraints ?? {})[0] ?? `${invalid.property} is invalid`);
    try {
      this.sessions.remember(reply, await this.auth.signUp(input, clientInfo(request)));
    } catch (error) {
      const shown = refusal(error);
      if (!shown) throw error;
      return again(shown.status, shown.message);
    }
    return redirectTo(reply, returnTo);
  }

  @Public()
  @Post('auth/sign_out')
  async signOut(@Body() body: Form, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const visitor = await this.sessions.visitor(request, reply);
    if (!visitor.signedIn) return redirectTo(reply, '/auth/sign_in');
    if (!this.sessions.acceptsPost(request, visitor, body?.authenticity_token, 'session')) {
      return this.forbidden(reply);
    }
    await this.sessions.signOut(reply, visitor.signedIn);
    return redirectTo(reply, '/auth/sign_in');
  }

  private forbidden(reply: FastifyReply): FastifyReply {
    return sendOAuthPage(
      reply,
      403,
      errorPage('Form expired', 'This form was not sent from this site or has expired. Go back, reload and try again.'),
    );
  }
}
