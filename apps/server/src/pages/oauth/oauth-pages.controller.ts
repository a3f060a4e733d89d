import { Body, Controller, Get, Logger, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  type CheckedAuthorization,
  IdentityException,
  OAUTH_OOB_REDIRECT,
  OAuthService,
  Public,
} from '@guildhall/identity';
import { ConfigService } from '@guildhall/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BrowserSessions, type Visitor } from './browser-session';
import {
  type AuthorizeFields,
  authorizedAppsPage,
  consentPage,
  deniedPage,
  errorPage,
  outOfBandCodePage,
  signInPage,
} from './oauth-pages.template';
import { field, formTargetOf, redirectTo, sendOAuthPage } from './oauth-page';

type Input = Record<string, unknown> | undefined;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AUTHORIZED_APPS = '/oauth/authorized_applications';

function authorizeFields(input: Input): AuthorizeFields {
  return {
    client_id: field(input, 'client_id'),
    redirect_uri: field(input, 'redirect_uri'),
    response_type: field(input, 'response_type'),
    scope: field(input, 'scope'),
    state: field(input, 'state'),
    code_challenge: field(input, 'code_challenge'),
    code_challenge_method: field(input, 'code_challenge_method'),
  };
}

/** The redirect URI with the answer's parameters added (RFC 6749 §4.1.2). */
function answerUrl(redirectUri: string, params: Record<string, string>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value) url.searchParams.set(name, value);
  return url.toString();
}

/**
 * `/oauth/authorize` (sign in if needed, then consent) and `/oauth/authorized_applications`.
 * The checks and the codes are the identity lib's OAuthService; these pages only ask the member.
 * A request whose client or redirect URI is wrong is answered with an error page here, never a
 * redirect: the URI is not known to be the app's.
 */
@Controller('oauth')
export class OAuthPagesController {
  private readonly logger = new Logger(OAuthPagesController.name);

  constructor(
    private readonly sessions: BrowserSessions,
    private readonly oauth: OAuthService,
    config: ConfigService,
  ) {
    this.origin = config.values.publicOrigin;
  }

  private readonly origin: string;

  @Public()
  @Get('authorize')
  async authorizeForm(
    @Query() query: Input,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const fields = authorizeFields(query);
    const checked = await this.check(fields);
    if ('refused' in checked) return sendOAuthPage(reply, 400, checked.refused);
    const visitor = await this.sessions.visitor(request, reply);
    const forceLogin = ['1', 'true'].includes(field(query, 'force_login'));
    if (!visitor.signedIn || forceLogin || !visitor.sessionCsrf) {
      // Back here after signing in, without force_login (or it would ask again forever).
      const again = new URL(request.url, this.origin);
      again.searchParams.delete('force_login');
      const returnTo = `${again.pathname}${again.search}`;
      return sendOAuthPage(reply, 200, signInPage({ csrf: visitor.anonymousCsrf, returnTo }));
    }
    const { app, scopes, redirectUri } = checked.authorization;
    return sendOAuthPage(
      reply,
      200,
      consentPage({
        signedIn: visitor.signedIn,
        csrf: visitor.sessionCsrf,
        appName: app.name,
        appWebsite: app.website,
        scopes,
        redirectUri,
        fields,
      }),
      formTargetOf(redirectUri),
    );
  }

  @Public()
  @Post('authorize')
  async authorize(@Body() body: Input, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const visitor = await this.sessions.visitor(request, reply);
    const refused = this.refusePost(request, visitor, body);
    if (refused) return refused(reply);
    const signedIn = visitor.signedIn!;
    const checked = await this.check(authorizeFields(body));
    if ('refused' in checked) return sendOAuthPage(reply, 400, checked.refused);
    const { authorization } = checked;
    const state = field(body, 'state');
    const oob = authorization.redirectUri === OAUTH_OOB_REDIRECT;
    if (field(body, 'decision') !== 'approve') {
      this.logger.log({
        msg: 'authorization denied',
        applicationId: authorization.app.id,
        userId: signedIn.auth.userId,
      });
      if (oob) return sendOAuthPage(reply, 200, deniedPage(authorization.app.name));
      const error = { error: 'access_denied', error_description: 'The member denied the request', state };
      return redirectTo(reply, answerUrl(authorization.redirectUri, error), 302);
    }
    const code = await this.oauth.issueCode(signedIn.auth.userId, authorization);
    this.logger.log({
      msg: 'authorization granted',
      applicationId: authorization.app.id,
      userId: signedIn.auth.userId,
    });
    if (oob) return sendOAuthPage(reply, 200, outOfBandCodePage(authorization.app.name, code));
    return redirectTo(reply, answerUrl(authorization.redirectUri, { code, state }), 302);
  }

  @Public()
  @Get('authorized_applications')
  async authorizedApps(
    @Query('revoked') revoked: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const visitor = await this.sessions.visitor(request, reply);
    if (!visitor.signedIn || !visitor.sessionCsrf) {
      return redirectTo(reply, `/auth/sign_in?return_to=${encodeURIComponent(AUTHORIZED_APPS)}`);
    }
    const apps = await this.oauth.listAuthorizedApps(visitor.signedIn.auth.userId);
    const notice = revoked === '1' ? 'Access revoked: the app’s tokens no longer work.' : null;
    return sendOAuthPage(
      reply,
      200,
      authorizedAppsPage({ signedIn: visitor.signedIn, csrf: visitor.sessionCsrf, apps, notice }),
    );
  }

  @Public()
  @Post('authorized_applications/:id/revoke')
  async revoke(
    @Param('id') id: string,
    @Body() body: Input,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const visitor = await this.sessions.visitor(request, reply);
    const refused = this.refusePost(request, visitor, body);
    if (refused) return refused(reply);
    if (!UUID.test(id)) return sendOAuthPage(reply, 404, errorPage('Not found', 'There is no such app.'));
    const ended = await this.oauth.revokeApp(visitor.signedIn!.auth.userId, id);
    this.logger.log({ msg: 'app access revoked', applicationId: id, tokens: ended });
    return redirectTo(reply, `${AUTHORIZED_APPS}?revoked=1`);
  }

  /** A signed-in member's form from this site, or the page that says why not. */
  private refusePost(request: FastifyRequest, visitor: Visitor, body: Input) {
    if (!visitor.signedIn) {
      return (reply: FastifyReply) =>
        sendOAuthPage(reply, 403, errorPage('Signed out', 'Your session has ended. Sign in and try again.'));
    }
    if (!this.sessions.acceptsPost(request, visitor, body?.authenticity_token, 'session')) {
      return (reply: FastifyReply) =>
        sendOAuthPage(
          reply,
          403,
          errorPage(
            'Form expired',
            'This form was not sent from this site or has expired. Go back, reload and try again.',
          ),
        );
    }
    return null;
  }

  private async check(
    fields: AuthorizeFields,
  ): Promise<{ authorization: CheckedAuthorization } | { refused: ReturnType<typeof errorPage> }> {
    try {
      const authorization = await this.oauth.checkAuthorization({
        clientId: fields.client_id,
        redirectUri: fields.redirect_uri,
        responseType: fields.response_type,
        scope: fields.scope || undefined,
        codeChallenge: fields.code_challenge || null,
        codeChallengeMethod: fields.code_challenge_method || null,
      });
      return { authorization };
    } catch (error) {
      if (!(error instanceof IdentityException)) throw error;
      return { refused: errorPage('This app’s request is not valid', error.message) };
    }
  }
}
