import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { MembershipService, TransparencyService } from '@guildhall/coop';
import { ConfigService } from '@guildhall/core';
import { Public } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { markup } from '../../pages/html';
import { coopCurrency } from '../ownership/currency';
import { type FormBody, WebApp } from '../web-app';
import { membershipBody, withdrawQuestion } from './membership.template';

const BACK = markup`<a href="/membership">Back to membership</a>`;

/**
 * `/membership`: the account's membership; apply and withdraw through MembershipService, as
 * GraphQL's applyForMembership and withdrawMembership do. The actor is always the session's
 * account; withdrawing asks for confirmation on the server first.
 */
@Controller('membership')
export class MembershipController {
  constructor(
    private readonly web: WebApp,
    private readonly config: ConfigService,
    private readonly memberships: MembershipService,
    private readonly transparency: TransparencyService,
  ) {}

  @Public()
  @Get()
  async show(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    const membership = await this.memberships.find(ctx.signedIn.account.id);
    const body = membershipBody(ctx, { currency: coopCurrency(this.config), membership });
    return this.web.send(reply, ctx, { title: 'Membership', section: 'ownership', body });
  }

  @Public()
  @Post('apply')
  async apply(
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    if (!this.web.acceptsForm(request, ctx, body)) return this.web.formExpired(reply, ctx);
    try {
      await this.memberships.apply(ctx.signedIn.account.id);
    } catch (error) {
      return this.web.refused(reply, ctx, error, 'ownership', BACK);
    }
    return this.web.redirect(reply, '/membership', 'Application sent: a steward will review it.');
  }

  @Public()
  @Post('withdraw')
  async withdraw(
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    if (!this.web.acceptsForm(request, ctx, body)) return this.web.formExpired(reply, ctx);
    const accountId = ctx.signedIn.account.id;
    const membership = await this.memberships.find(accountId);
    // Only a member in good standing is asked to confirm; anyone else gets the lib's refusal.
    if (membership && !this.web.confirmed(body) && ['active', 'inactive', 'suspended'].includes(membership.status)) {
      const account = await this.transparency.account(accountId);
      return this.web.confirm(reply, ctx, {
        title: 'Withdraw from the cooperative?',
        section: 'ownership',
        question: withdrawQuestion(ctx, coopCurrency(this.config), membership, account),
        action: '/membership/withdraw',
        confirmLabel: 'Withdraw from the cooperative',
        cancelHref: '/membership',
      });
    }
    try {
      await this.memberships.withdraw(accountId);
    } catch (error) {
      return this.web.refused(reply, ctx, error, 'ownership', BACK);
    }
    return this.web.redirect(
      reply,
      '/membership',
      'You have left the cooperative. Your share and capital are paid as described.',
    );
  }
}
