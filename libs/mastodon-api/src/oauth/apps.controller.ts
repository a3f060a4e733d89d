import { Body, Get, HttpStatus, Req } from '@nestjs/common';
import { DomainException, GraphqlErrorCode } from '@guildhall/core';
import {
  type AppAuthContext,
  CurrentApp,
  CurrentAuth,
  type AuthContext,
  OAuthService,
  Public,
} from '@guildhall/identity';
import type { FastifyRequest } from 'fastify';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { MastodonException } from '../http/mastodon.exception';
import { arrayParam, stringParam } from '../http/params';
import { PushKeys } from '../push/push-keys';
import { clientOf } from './oauth-token.controller';

/** `POST /api/v1/apps` (JSON or form) and `GET /api/v1/apps/verify_credentials`. */
@MastodonController('api/v1/apps')
export class AppsController {
  constructor(
    private readonly oauth: OAuthService,
    private readonly push: PushKeys,
  ) {}

  @Public()
  @MastodonPost()
  async create(@Body() body: Record<string, unknown> | undefined, @Req() request: FastifyRequest) {
    const input = body ?? {};
    const name = stringParam(input.client_name);
    if (!name?.trim()) throw MastodonException.unprocessable("Validation failed: Application name can't be blank");
    const given = arrayParam(input, 'redirect_uris');
    const redirectUris = given.flatMap((uri) => uri.split(/\s+/)).filter(Boolean);
    if (redirectUris.length === 0) {
      throw MastodonException.unprocessable("Validation failed: Redirect URI can't be blank");
    }
    try {
      const { app, clientSecret } = await this.oauth.registerApp(
        {
          name,
          website: stringParam(input.website) ?? null,
          redirectUris,
          scopes: input.scopes,
        },
        clientOf(request),
      );
      return {
        id: app.id,
        name: app.name,
        website: app.website,
        scopes: app.scopes,
        redirect_uri: app.redirectUris.join('\n'),
        redirect_uris: app.redirectUris,
        vapid_key: this.push.publicKey,
        client_id: app.clientId,
        client_secret: clientSecret,
        client_secret_expires_at: 0,
      };
    } catch (error) {
      if (error instanceof DomainException && error.graphqlCode === GraphqlErrorCode.BAD_USER_INPUT) {
        throw MastodonException.unprocessable(`Validation failed: ${error.message}`);
      }
      throw error;
    }
  }

  /** The app of the token: an app's own token or a member's token given to it. */
  @Public()
  @Get('verify_credentials')
  async verify(@CurrentApp() app: AppAuthContext | undefined, @CurrentAuth() auth: AuthContext | undefined) {
    const applicationId = app?.applicationId ?? auth?.applicationId;
    const found = applicationId ? await this.oauth.findAppById(applicationId) : null;
    if (!found) throw new MastodonException(HttpStatus.UNAUTHORIZED, 'The access token is invalid');
    return {
      id: found.id,
      name: found.name,
      website: found.website,
      scopes: found.scopes,
      redirect_uri: found.redirectUris.join('\n'),
      redirect_uris: found.redirectUris,
      vapid_key: this.push.publicKey,
    };
  }
}
