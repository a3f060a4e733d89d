import { Body, Get, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ConfigService, DomainException } from '@guildhall/core';
import { type ClientInfo, IdentityErrorCode, KNOWN_SCOPES, OAuthService, Public } from '@guildhall/identity';
import type { FastifyRequest } from 'fastify';
import { MastodonController } from '../http/mastodon-controller.decorator';
import { MastodonException } from '../http/mastodon.exception';

/** RFC 6749 §5.2's error names for the identity lib's OAuth refusals. */
const OAUTH_ERRORS: Partial<Record<string, [HttpStatus, string]>> = {
  [IdentityErrorCode.OAuthInvalidClient]: [HttpStatus.UNAUTHORIZED, 'invalid_client'],
  [IdentityErrorCode.OAuthInvalidGrant]: [HttpStatus.BAD_REQUEST, 'invalid_grant'],
  [IdentityErrorCode.OAuthInvalidScope]: [HttpStatus.BAD_REQUEST, 'invalid_scope'],
  [IdentityErrorCode.OAuthInvalidRequest]: [HttpStatus.BAD_REQUEST, 'invalid_request'],
  [IdentityErrorCode.OAuthUnsupportedGrantType]: [HttpStatus.BAD_REQUEST, 'unsupported_grant_type'],
  [IdentityErrorCode.OAuthInvalidRedirectUri]: [HttpStatus.BAD_REQUEST, 'invalid_grant'],
  [IdentityErrorCode.RateLimited]: [HttpStatus.TOO_MANY_REQUESTS, 'rate_limited'],
  [IdentityErrorCode.AccountSuspended]: [HttpStatus.FORBIDDEN, 'invalid_grant'],
};

export function clientOf(request: FastifyRequest): ClientInfo {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : null };
}

/** An OAuth refusal as RFC 6749 renders it: `{ error, error_description }`. */
function oauthError(error: unknown): unknown {
  if (!(error instanceof DomainException)) return error;
  const reason = (error as DomainException<string>).reason;
  const mapped = OAUTH_ERRORS[reason];
  if (!mapped) return error;
  return new MastodonException(mapped[0], mapped[1], { error_description: error.message });
}

type TokenBody = Record<string, unknown>;

/**
 * The token endpoint and the server's metadata (RFC 8414). The consent page (`/oauth/authorize`)
 * is the pages module's.
 */
@MastodonController()
export class OAuthTokenController {
  constructor(
    private readonly oauth: OAuthService,
    private readonly config: ConfigService,
  ) {}

  @Public()
  @Post('oauth/token')
  @HttpCode(HttpStatus.OK)
  async token(@Body() body: TokenBody | undefined, @Req() request: FastifyRequest) {
    const input = body ?? {};
    const client = clientOf(request);
    const common = { clientId: input.client_id, clientSecret: input.client_secret };
    try {
      const issued = await (async () => {
        switch (input.grant_type) {
          case 'authorization_code':
            return this.oauth.exchangeCode(
              { ...common, code: input.code, redirectUri: input.redirect_uri, codeVerifier: input.code_verifier },
              client,
            );
          case 'password':
            return this.oauth.passwordGrant(
              { ...common, username: input.username, password: input.password, scope: input.scope },
              client,
            );
          case 'client_credentials':
            return this.oauth.clientCredentials({ ...common, scope: input.scope }, client);
          default:
            throw new MastodonException(HttpStatus.BAD_REQUEST, 'unsupported_grant_type', {
              error_description: 'The authorization grant type is not supported by the authorization server.',
            });
        }
      })();
      return {
        access_token: issued.accessToken,
        token_type: 'Bearer',
        scope: issued.scopes.join(' '),
        created_at: Math.floor(issued.createdAt.getTime() / 1000),
      };
    } catch (error) {
      throw oauthError(error);
    }
  }

  @Public()
  @Post('oauth/revoke')
  @HttpCode(HttpStatus.OK)
  async revoke(@Body() body: TokenBody | undefined) {
    const input = body ?? {};
    try {
      await this.oauth.revoke({ clientId: input.client_id, clientSecret: input.client_secret, token: input.token });
    } catch (error) {
      throw oauthError(error);
    }
    return {};
  }

  @Public()
  @Get('.well-known/oauth-authorization-server')
  metadata() {
    const origin = this.config.values.publicOrigin;
    return {
      issuer: `${origin}/`,
      service_documentation: 'https://docs.joinmastodon.org/',
      authorization_endpoint: `${origin}/oauth/authorize`,
      token_endpoint: `${origin}/oauth/token`,
      app_registration_endpoint: `${origin}/api/v1/apps`,
      revocation_endpoint: `${origin}/oauth/revoke`,
      scopes_supported: [...KNOWN_SCOPES],
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'password', 'client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    };
  }
}
