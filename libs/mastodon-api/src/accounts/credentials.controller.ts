import { Body, Get, HttpStatus, Patch, Req } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import { MediaService, ProfileService } from '@guildhall/content';
import {
  type AppAuthContext,
  AuthService,
  type AuthContext,
  CurrentApp,
  CurrentAuth,
  OAuthService,
  Public,
  scopeAllows,
  SignUpInput,
} from '@guildhall/identity';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { MastodonException } from '../http/mastodon.exception';
import { booleanParam, stringParam } from '../http/params';
import { Scope } from '../http/scopes.decorator';
import { clientOf } from '../oauth/oauth-token.controller';
import type { MastodonAccount, MastodonToken } from '../serializers/mastodon-entities';
import { CredentialAccounts } from './credential-accounts.service';
import { readCredentialsForm, toProfileInput } from './credentials-input';

/** Registration through an app, and the member's own account: `verify_credentials`, `update_credentials`. */
@MastodonController('api/v1/accounts')
export class CredentialsController {
  constructor(
    private readonly auth: AuthService,
    private readonly oauth: OAuthService,
    private readonly profiles: ProfileService,
    private readonly media: MediaService,
    private readonly credentials: CredentialAccounts,
    private readonly config: ConfigService,
  ) {}

  /**
   * `POST /api/v1/accounts` with an app's own token (`write:accounts`): the instance's sign-up
   * rules (AuthService.register, rate limited per address), then a token for the app with the
   * app token's scopes.
   */
  @Public()
  @MastodonPost()
  async register(
    @Body() body: Record<string, unknown> | undefined,
    @CurrentApp() app: AppAuthContext | undefined,
    @CurrentAuth() member: AuthContext | undefined,
    @Req() request: FastifyRequest,
  ): Promise<MastodonToken> {
    if (!app) {
      if (member) throw MastodonException.forbidden('This method requires an app token');
      throw new MastodonException(HttpStatus.UNAUTHORIZED, 'The access token is invalid');
    }
    if (!scopeAllows(app.scopes, 'write:accounts')) {
      throw MastodonException.forbidden('This action is outside the authorized scopes');
    }
    const input = body ?? {};
    if (!booleanParam(input.agreement))
      throw MastodonException.unprocessable('Validation failed: Agreement must be accepted');
    const signUp = plainToInstance(SignUpInput, {
      username: stringParam(input.username) ?? '',
      email: stringParam(input.email) ?? '',
      password: stringParam(input.password) ?? '',
    });
    const errors = await validate(signUp);
    if (errors.length > 0) {
      const messages = errors.flatMap((error) => Object.values(error.constraints ?? {}));
      throw MastodonException.unprocessable(`Validation failed: ${messages.join(', ')}`);
    }
    const client = clientOf(request);
    const { user } = await this.auth.register(signUp, client);
    const token = await this.oauth.issueTokenForUser(app.applicationId, user.id, app.scopes, client);
    return {
      access_token: token.accessToken,
      token_type: 'Bearer',
      scope: token.scopes.join(' '),
      created_at: Math.floor(token.createdAt.getTime() / 1000),
    };
  }

  @Scope('read:accounts')
  @Get('verify_credentials')
  verify(@CurrentAuth() auth: AuthContext): Promise<MastodonAccount> {
    return this.credentials.render(auth.accountId);
  }

  /**
   * JSON, form or multipart (with `avatar` and `header` images): every value is checked before
   * anything is stored; the images go through the content lib's uploads (its rate limit and
   * checks), the rest through ProfileService, as GraphQL's updateProfile does.
   */
  @Scope('write:accounts')
  @Patch('update_credentials')
  async update(
    @CurrentAuth() auth: AuthContext,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ): Promise<MastodonAccount> {
    const form = await readCredentialsForm(request, body, this.config.values.mediaMaxBytes);
    const profile = await toProfileInput(form.fields);
    for (const kind of ['avatar', 'header'] as const) {
      const bytes = form[kind];
      if (!bytes) continue;
      await this.media.checkUploadRate(auth.accountId);
      const uploaded = await this.media.upload(auth.accountId, bytes, null);
      if (kind === 'avatar') profile.avatarMediaId = uploaded.id;
      else profile.headerMediaId = uploaded.id;
    }
    await this.profiles.update(auth.accountId, profile);
    return this.credentials.render(auth.accountId);
  }
}
