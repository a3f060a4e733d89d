import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { AccountSuspensionService } from '@guildhall/federation';
import { CredentialService, Public } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { markup } from '../../../pages/html';
import { field } from '../../../pages/oauth/oauth-page';
import { type FormBody, WebApp } from '../../web-app';
import type { MemberContext } from '../../web-context';
import { accountsBody, resetIssuedBody, resetQuestion, suspendQuestion, unsuspendQuestion } from './accounts.template';
import { staffContext, staffForm } from '../console-gate';
import { handleOf } from './moderation-page';

const BACK = markup`<a href="/console/accounts">Back to accounts</a>`;

/**
 * `/console/accounts`: an account by handle with its role and state; suspending and lifting a
 * suspension (moderators and admins, the identity lib's rule: moderators act on non-staff only),
 * and issuing a password reset (admins, as GraphQL's issuePasswordReset). Each after a
 * confirmation; the libs do the work and the audit records.
 */
@Controller('console/accounts')
export class AccountsController {
  constructor(
    private readonly web: WebApp,
    private readonly suspensions: AccountSuspensionService,
    private readonly credentials: CredentialService,
  ) {}

  @Public()
  @Get()
  async find(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await staffContext(this.web, request, reply);
    if (!ctx) return reply;
    const handle = field(query, 'handle').trim().slice(0, 300);
    const found = handle ? await this.suspensions.lookup(handle) : null;
    return this.web.send(reply, ctx, {
      status: handle && !found ? 404 : 200,
      title: found ? handleOf(found.account) : 'Accounts',
      section: 'console',
      body: accountsBody(ctx, { handle, found }),
    });
  }

  @Public()
  @Post('suspend')
  suspend(@Body() body: FormBody, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.act(body, request, reply, 'suspend');
  }

  @Public()
  @Post('unsuspend')
  unsuspend(@Body() body: FormBody, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.act(body, request, reply, 'unsuspend');
  }

  @Public()
  @Post('password-reset')
  async passwordReset(
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await staffForm(this.web, request, reply, body, 'issue a password reset');
    if (!ctx) return reply;
    const found = await this.target(reply, ctx, body);
    if (!found) return reply;
    const handle = handleOf(found.account).slice(1);
    try {
      if (!this.web.confirmed(body)) {
        return this.web.confirm(reply, ctx, {
          title: `Reset the password of ${handleOf(found.account)}?`,
          section: 'console',
          question: resetQuestion(found.account),
          action: '/console/accounts/password-reset',
          fields: { handle },
          confirmLabel: 'Issue the reset token',
          cancelHref: `/console/accounts?handle=${encodeURIComponent(handle)}`,
          danger: false,
        });
      }
      const reset = await this.credentials.issueReset(handle, ctx.signedIn.auth);
      return this.web.send(reply, ctx, {
        title: 'Password reset issued',
        section: 'console',
        body: resetIssuedBody(ctx, reset.account, reset.token, reset.expiresAt),
      });
    } catch (error) {
      return this.web.refused(reply, ctx, error, 'console', BACK);
    }
  }

  private async act(
    body: FormBody,
    request: FastifyRequest,
    reply: FastifyReply,
    verb: 'suspend' | 'unsuspend',
  ): Promise<FastifyReply> {
    const ctx = await staffForm(this.web, request, reply, body);
    if (!ctx) return reply;
    const found = await this.target(reply, ctx, body);
    if (!found) return reply;
    const { account } = found;
    const handle = handleOf(account).slice(1);
    try {
      if (!this.web.confirmed(body)) {
        return this.web.confirm(reply, ctx, {
          title: verb === 'suspend' ? `Suspend ${handleOf(account)}?` : `Lift the suspension of ${handleOf(account)}?`,
          section: 'console',
          question: verb === 'suspend' ? suspendQuestion(account) : unsuspendQuestion(account),
          action: `/console/accounts/${verb}`,
          fields: { handle },
          confirmLabel: verb === 'suspend' ? `Suspend ${handleOf(account)}` : 'Lift the suspension',
          cancelHref: `/console/accounts?handle=${encodeURIComponent(handle)}`,
          danger: verb === 'suspend',
        });
      }
      const done =
        verb === 'suspend'
          ? await this.suspensions.suspendAccount(ctx.signedIn.auth, handle)
          : await this.suspensions.unsuspendAccount(ctx.signedIn.auth, handle);
      return this.web.redirect(
        reply,
        `/console/accounts?handle=${encodeURIComponent(handle)}`,
        verb === 'suspend' ? `Suspended ${handleOf(done)}.` : `Lifted the suspension of ${handleOf(done)}.`,
      );
    } catch (error) {
      return this.web.refused(reply, ctx, error, 'console', BACK);
    }
  }

  /** The form's account, or null once a 404 is sent. */
  private async target(
    reply: FastifyReply,
    ctx: MemberContext,
    body: FormBody,
  ): Promise<Awaited<ReturnType<AccountSuspensionService['lookup']>>> {
    const handle = field(body, 'handle').trim();
    const found = handle ? await this.suspensions.lookup(handle) : null;
    if (!found) this.web.notFound(reply, ctx, 'No account known here has that handle.');
    return found;
  }
}
