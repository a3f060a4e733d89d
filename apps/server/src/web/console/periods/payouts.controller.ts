import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { CapitalErrorCode, CapitalException, CapitalService } from '@guildhall/coop';
import { Public } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { markup } from '../../../pages/html';
import { field } from '../../../pages/oauth/oauth-page';
import { type FormBody, WebApp } from '../../web-app';
import type { WebContext } from '../../web-context';
import { adminContext, staffForm, ADMIN_ONLY } from '../console-gate';
import { payoutsBody, type PayoutsInput, runBody } from './payouts.template';

const PAGE = 40;
const RUNS = 12;

/**
 * `/console/payouts` (admins, as GraphQL's coopPayables, runPayouts and redeemVintages): what is
 * payable now, past runs, a payout run and early redemptions, both confirmed on the server and
 * audit-logged by CapitalService with the session's account.
 */
@Controller('console/payouts')
export class PayoutsController {
  constructor(
    private readonly web: WebApp,
    private readonly capital: CapitalService,
  ) {}

  @Public()
  @Get()
  async show(
    @Query('after') after: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await adminContext(this.web, request, reply);
    if (!ctx) return reply;
    try {
      return await this.sendPage(reply, ctx, 200, typeof after === 'string' ? after.slice(0, 100) : null);
    } catch (error) {
      return this.web.refused(reply, ctx, error, 'console', markup`<a href="/console/payouts">Payouts</a>`);
    }
  }

  @Public()
  @Post('run')
  async run(@Body() body: FormBody, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await staffForm(this.web, request, reply, body, ADMIN_ONLY);
    if (!ctx) return reply;
    if (!this.web.confirmed(body)) {
      return this.web.confirm(reply, ctx, {
        title: 'Run payouts?',
        section: 'console',
        question: markup`<p>Run the payout run of the latest closed period: redeem the capital vintages due,
then pay every member owed at least the minimum payout and every member who left.</p>
<p>This posts to the ledger and cannot be undone. Running it again for the same period posts nothing.</p>`,
        action: '/console/payouts/run',
        confirmLabel: 'Run payouts',
        cancelHref: '/console/payouts',
      });
    }
    try {
      const result = await this.capital.runPayouts(ctx.signedIn.account.id);
      return this.web.send(reply, ctx, {
        title: `Payout run after ${result.period}`,
        section: 'console',
        body: runBody(ctx, result),
      });
    } catch (error) {
      return this.web.refused(reply, ctx, error, 'console', markup`<a href="/console/payouts">Back to payouts</a>`);
    }
  }

  @Public()
  @Post('redeem')
  async redeem(
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await staffForm(this.web, request, reply, body, ADMIN_ONLY);
    if (!ctx) return reply;
    const through = field(body, 'through').trim().slice(0, 40);
    if (!through)
      return this.sendPage(reply, ctx, 422, null, { through, error: 'Enter a closed period, e.g. 2026-11.' });
    if (!this.web.confirmed(body)) {
      return this.web.confirm(reply, ctx, {
        title: `Redeem vintages through ${through}?`,
        section: 'console',
        question: markup`<p>Redeem every capital vintage up to and including <strong>${through}</strong> now, ahead of
the revolving schedule. The capital becomes redemption payable and is paid at the next payout run.</p>
<p>This posts to the ledger and cannot be undone.</p>`,
        action: '/console/payouts/redeem',
        fields: { through },
        confirmLabel: 'Redeem',
        cancelHref: '/console/payouts',
      });
    }
    try {
      const revolved = await this.capital.redeemVintages(through, ctx.signedIn.account.id);
      const total = revolved.reduce((sum, r) => sum + r.amountCents, 0);
      const notice = revolved.length
        ? `Redeemed ${revolved.length} ${revolved.length === 1 ? 'vintage' : 'vintages'} through ${through}: ${ctx.fmt.money(total)} is now payable.`
        : `Nothing to redeem through ${through}: those vintages hold no capital.`;
      return this.web.redirect(reply, '/console/payouts', notice);
    } catch (error) {
      if (error instanceof CapitalException && error.reason === CapitalErrorCode.UnknownVintage) {
        return this.sendPage(reply, ctx, 422, null, { through, error: error.message });
      }
      return this.web.refused(reply, ctx, error, 'console', markup`<a href="/console/payouts">Back to payouts</a>`);
    }
  }

  private async sendPage(
    reply: FastifyReply,
    ctx: WebContext,
    status: number,
    after: string | null,
    redeem?: PayoutsInput['redeem'],
  ): Promise<FastifyReply> {
    const [policy, page, runs] = await Promise.all([
      this.capital.policy(),
      this.capital.payables(PAGE, after),
      this.capital.payoutRuns(RUNS),
    ]);
    const body = payoutsBody(ctx, {
      policy,
      payables: page.edges.map((e) => e.node),
      next: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null,
      runs,
      redeem,
    });
    return this.web.send(reply, ctx, { status, title: 'Payouts', section: 'console', body });
  }
}
