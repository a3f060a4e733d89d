import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { CAPITAL_POLICY_BOUNDS, CapitalErrorCode, CapitalException, CapitalService } from '@guildhall/coop';
import { Public } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { field } from '../../../pages/oauth/oauth-page';
import { type FormBody, WebApp } from '../../web-app';
import { parseAmount } from '../amount';
import type { WebContext } from '../../web-context';
import { capitalBody, type CapitalForm, formOf } from './capital.template';
import { adminContext, staffForm, ADMIN_ONLY } from '../console-gate';

const WHOLE = /^\d{1,9}$/;
const REASON_MAX = 2000;

/**
 * `/console/capital` (admins, as GraphQL's setCapitalPolicy): the policy in force with the
 * bylaws' bounds and the form to change it. CapitalService checks the bounds and audit-logs the
 * change with the session's account; out of bounds is a 422 with the field marked.
 */
@Controller('console/capital')
export class CapitalController {
  constructor(
    private readonly web: WebApp,
    private readonly capital: CapitalService,
  ) {}

  @Public()
  @Get()
  async show(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await adminContext(this.web, request, reply);
    if (!ctx) return reply;
    const policy = await this.capital.policy();
    return this.sendPage(reply, ctx, 200, formOf(policy));
  }

  @Public()
  @Post()
  async set(@Body() body: FormBody, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await staffForm(this.web, request, reply, body, ADMIN_ONLY);
    if (!ctx) return reply;
    const form: CapitalForm = {
      revolvingPeriods: field(body, 'revolvingPeriods').trim(),
      minPayout: field(body, 'minPayout').trim(),
      reason: field(body, 'reason').trim(),
      errors: {},
      summary: null,
    };
    const bounds = CAPITAL_POLICY_BOUNDS;
    if (!WHOLE.test(form.revolvingPeriods)) form.errors.revolvingPeriods = 'Enter a whole number of closes.';
    const money = parseAmount(form.minPayout, { zero: true });
    if ('error' in money) form.errors.minPayout = money.error;
    if (form.reason.length > REASON_MAX) form.errors.reason = `At most ${REASON_MAX} characters.`;
    if (Object.keys(form.errors).length || 'error' in money) {
      return this.sendPage(reply, ctx, 422, { ...form, summary: 'Nothing was changed: correct the marked fields.' });
    }
    try {
      await this.capital.setPolicy(ctx.signedIn.account.id, {
        revolvingPeriods: Number(form.revolvingPeriods),
        minPayoutCents: money.cents,
        reason: form.reason,
      });
      return this.web.redirect(reply, '/console/capital', 'Capital policy set.');
    } catch (error) {
      if (!(error instanceof CapitalException) || error.reason !== CapitalErrorCode.OutsideBylaws) throw error;
      if (error.details.field === 'revolvingPeriods') {
        form.errors.revolvingPeriods = `Must be from ${bounds.minRevolvingPeriods} to ${bounds.maxRevolvingPeriods} closes (bylaws).`;
      } else {
        form.errors.minPayout = `Must be from ${ctx.fmt.money(bounds.minPayoutCents)} to ${ctx.fmt.money(bounds.maxPayoutCents)} (bylaws).`;
      }
      return this.sendPage(reply, ctx, 422, { ...form, summary: `Nothing was changed: ${error.message}.` });
    }
  }

  private async sendPage(
    reply: FastifyReply,
    ctx: WebContext,
    status: number,
    form: CapitalForm,
  ): Promise<FastifyReply> {
    const policy = await this.capital.policy();
    return this.web.send(reply, ctx, {
      status,
      title: 'Capital policy',
      section: 'console',
      body: capitalBody(ctx, policy, form),
    });
  }
}
