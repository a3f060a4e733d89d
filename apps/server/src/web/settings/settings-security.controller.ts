import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { UUID_PATTERN } from '@guildhall/core';
import {
  AuthService,
  ChangePasswordArgs,
  CredentialService,
  IdentityErrorCode,
  IdentityException,
  OAuthService,
  PASSWORD_MIN_LENGTH,
  Public,
} from '@guildhall/identity';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { markup } from '../../pages/html';
import { clientInfo } from '../../pages/oauth/browser-session';
import { field } from '../../pages/oauth/oauth-page';
import { type FormBody, WebApp } from '../web-app';
import type { MemberContext } from '../web-context';
import type { FieldErrors } from './profile-form';
import { appsPageBody, passwordPageBody, type PasswordPageInput, sessionsPageBody } from './settings-security.template';

/**
 * `/settings/apps`, `/settings/sessions`, `/settings/password`: the identity lib's operations
 * for the signed-in member only — revoking an app (OAuthService.revokeApp, as the OAuth pages'
 * authorized applications), ending sessions (AuthService.endSession/logOutOthers), changing the
 * password (CredentialService.changePassword: this session stays, the others end).
 */
@Controller('settings')
export class SettingsSecurityController {
  constructor(
    private readonly web: WebApp,
    private readonly oauth: OAuthService,
    private readonly auth: AuthService,
    private readonly credentials: CredentialService,
  ) {}

  @Public()
  @Get('apps')
  async apps(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    const apps = await this.oauth.listAuthorizedApps(ctx.signedIn.auth.userId);
    return this.web.send(reply, ctx, { title: 'Authorized apps', section: 'settings', body: appsPageBody(ctx, apps) });
  }

  @Public()
  @Post('apps/:id/revoke')
  async revokeApp(
    @Param('id') id: string,
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    if (!this.web.acceptsForm(request, ctx, body)) return this.web.formExpired(reply, ctx);
    const userId = ctx.signedIn.auth.userId;
    const app = UUID_PATTERN.test(id)
      ? (await this.oauth.listAuthorizedApps(userId)).find((a) => a.applicationId === id)
      : undefined;
    if (!app) return this.web.notFound(reply, ctx, 'You have not authorized that app.');
    if (!this.web.confirmed(body)) {
      return this.web.confirm(reply, ctx, {
        section: 'settings',
        title: `Revoke ${app.name}?`,
        question: markup`<p><strong>${app.name}</strong> will lose access to your account at once: every token you gave it stops working. You can authorize it again later.</p>`,
        action: `/settings/apps/${id}/revoke`,
        confirmLabel: 'Revoke access',
        cancelHref: '/settings/apps',
      });
    }
    await this.oauth.revokeApp(userId, id);
    return this.web.redirect(reply, '/settings/apps', `${app.name} no longer has access to your account.`);
  }

  @Public()
  @Get('sessions')
  async sessions(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    const sessions = await this.auth.listSessions(ctx.signedIn.auth);
    return this.web.send(reply, ctx, { title: 'Sessions', section: 'settings', body: sessionsPageBody(ctx, sessions) });
  }

  @Public()
  @Post('sessions/others')
  async logOutOthers(
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    if (!this.web.acceptsForm(request, ctx, body)) return this.web.formExpired(reply, ctx);
    if (!this.web.confirmed(body)) {
      return this.web.confirm(reply, ctx, {
        section: 'settings',
        title: 'Log out other sessions?',
        question:
          'Every other browser and GraphQL client signed in to your account is signed out. This browser stays signed in; authorized apps keep their access (revoke them under Authorized apps).',
        action: '/settings/sessions/others',
        confirmLabel: 'Log out other sessions',
        cancelHref: '/settings/sessions',
      });
    }
    const ended = await this.auth.logOutOthers(ctx.signedIn.auth);
    const notice = ended === 1 ? '1 other session was logged out.' : `${ended} other sessions were logged out.`;
    return this.web.redirect(reply, '/settings/sessions', notice);
  }

  @Public()
  @Post('sessions/:id/revoke')
  async revokeSession(
    @Param('id') id: string,
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    if (!this.web.acceptsForm(request, ctx, body)) return this.web.formExpired(reply, ctx);
    if (!this.web.confirmed(body)) {
      const known = (await this.auth.listSessions(ctx.signedIn.auth)).some((s) => s.id === id);
      if (!known) return this.web.notFound(reply, ctx, 'You have no such session.');
      return this.web.confirm(reply, ctx, {
        section: 'settings',
        title: 'Log out this session?',
        question: 'That browser or client is signed out at once and has to sign in again.',
        action: `/settings/sessions/${id}/revoke`,
        confirmLabel: 'Log out session',
        cancelHref: '/settings/sessions',
      });
    }
    try {
      await this.auth.endSession(ctx.signedIn.auth, id);
    } catch (error) {
      return this.web.refused(reply, ctx, error, 'settings', markup`<a href="/settings/sessions">Back to sessions</a>`);
    }
    if (id === ctx.signedIn.auth.sessionId) return this.web.redirect(reply, '/auth/sign_in?return_to=%2Fsettings');
    return this.web.redirect(reply, '/settings/sessions', 'The session was logged out.');
  }

  @Public()
  @Get('password')
  async password(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    return this.sendPassword(reply, ctx, 200, { errors: {} });
  }

  @Public()
  @Post('password')
  async changePassword(
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    if (!this.web.acceptsForm(request, ctx, body)) return this.web.formExpired(reply, ctx);
    const currentPassword = field(body, 'current_password');
    const newPassword = field(body, 'new_password');
    const errors: FieldErrors = {};
    if (!currentPassword) errors.current_password = 'Enter your current password.';
    const args = plainToInstance(ChangePasswordArgs, { currentPassword, newPassword });
    for (const error of await validate(args)) {
      const message = Object.values(error.constraints ?? {})[0] ?? 'This value is not valid';
      if (error.property === 'newPassword') errors.new_password = message;
      else errors.current_password ??= message;
    }
    if (!errors.new_password && field(body, 'confirm_password') !== newPassword) {
      errors.confirm_password = 'The two new passwords differ.';
    }
    if (Object.keys(errors).length) {
      return this.sendPassword(reply, ctx, 422, { errors, error: 'The password was not changed.' });
    }
    let ended: number;
    try {
      ended = await this.credentials.changePassword(
        ctx.signedIn.auth,
        currentPassword,
        newPassword,
        clientInfo(request),
      );
    } catch (error) {
      if (error instanceof IdentityException && error.reason === IdentityErrorCode.WrongPassword) {
        return this.sendPassword(reply, ctx, 422, {
          errors: { current_password: error.message },
          error: 'The password was not changed.',
        });
      }
      const shown = this.web.refusal(error);
      if (!shown) throw error;
      return this.sendPassword(reply, ctx, shown.status, { errors: {}, error: shown.message });
    }
    const others = ended === 1 ? '1 other session was' : `${ended} other sessions were`;
    return this.web.redirect(reply, '/settings/password', `Password changed. ${others} signed out.`);
  }

  private sendPassword(reply: FastifyReply, ctx: MemberContext, status: number, input: PasswordPageInput) {
    return this.web.send(reply, ctx, {
      status,
      title: 'Password',
      section: 'settings',
      body: passwordPageBody(ctx, input, PASSWORD_MIN_LENGTH),
    });
  }
}
