import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CoopServiceErrorCode, PaymentService } from '@guildhall/coop';
import { DomainException, encodeCursor, UUID_PATTERN, uuidv7 } from '@guildhall/core';
import { Public } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { field } from '../../pages/oauth/oauth-page';
import { type FormBody, WebApp } from '../web-app';
import type { MemberContext } from '../web-context';
import { parseAmount } from './amount';
import { staffContext, staffForm } from './console-gate';
import { type MoneyDraft, moneyBody } from './money.template';

const PAGE_SIZE = 20;
const MEMO_MAX = 500;

/**
 * `/console/money`: admins record revenue and costs (coop's PaymentService.record, audit-logged
 * with the admin, GraphQL's rules and bounds); stewards read the payments and the webhook log.
 */
@Controller('console/money')
export class ConsoleMoneyController {
  constructor(
    private readonly web: WebApp,
    private readonly payments: PaymentService,
  ) {}

  @Public()
  @Get()
  async page(
    @Query('payments_after') paymentsAfter: string | undefined,
    @Query('log_after') logAfter: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await staffContext(this.web, request, reply);
    if (!ctx) return reply;
    return this.sendPage(reply, ctx, { paymentsAfter, logAfter });
  }

  @Public()
  @Post(':kind')
  async record(
    @Param('kind') kind: string,
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await staffForm(this.web, request, reply, body, 'record money');
    if (!ctx) return reply;
    if (kind !== 'revenue' && kind !== 'cost') return this.web.notFound(reply, ctx);

    const draft: MoneyDraft = {
      kind,
      amount: field(body, 'amount'),
      currency: field(body, 'currency').trim().toUpperCase(),
      memo: field(body, 'memo').trim(),
      member: kind === 'revenue' ? field(body, 'member').trim().replace(/^@/, '') : '',
      error: '',
      field: null,
    };
    const refuse = (error: string, which: MoneyDraft['field'], status = 422) =>
      this.sendPage(reply, ctx, { draft: { ...draft, error, field: which } }, status);
    const amount = parseAmount(draft.amount);
    if ('error' in amount) return refuse(amount.error, 'amount');
    const currency = this.payments.currency();
    if (draft.currency !== currency) {
      return refuse(`The co-op keeps its books in ${currency}: convert the amount to ${currency} first.`, 'currency');
    }
    if (draft.memo.length > MEMO_MAX) return refuse(`Keep the memo under ${MEMO_MAX} characters.`, 'memo');
    const paymentId = field(body, 'payment_id');
    try {
      const payment = await this.payments.record(
        {
          id: UUID_PATTERN.test(paymentId) ? paymentId : uuidv7(),
          kind,
          amountCents: amount.cents,
          memo: draft.memo,
          memberHandle: draft.member || null,
        },
        ctx.signedIn.account.id,
      );
      const what = kind === 'revenue' ? 'revenue' : 'a cost';
      return this.web.redirect(
        reply,
        '/console/money',
        `Recorded ${what} of ${ctx.fmt.money(payment.amountCents, currency)} (payment ${payment.id}).`,
      );
    } catch (error) {
      const shown = this.web.refusal(error);
      if (!shown) throw error;
      // A refusal about one of the form's fields (an amount over the bounds, a handle that is not
      // a member's) is the form's input being wrong: 422, whatever GraphQL's code for it.
      const which = fieldOf(error);
      return refuse(shown.message, which, which ? 422 : shown.status);
    }
  }

  private async sendPage(
    reply: FastifyReply,
    ctx: MemberContext,
    options: { paymentsAfter?: string; logAfter?: string; draft?: MoneyDraft },
    status = 200,
  ): Promise<FastifyReply> {
    let payments: Awaited<ReturnType<PaymentService['recent']>>;
    let deliveries: Awaited<ReturnType<PaymentService['webhookDeliveries']>>;
    try {
      payments = await this.payments.recent(PAGE_SIZE, options.paymentsAfter);
      deliveries = await this.payments.webhookDeliveries(PAGE_SIZE, options.logAfter);
    } catch (error) {
      return this.web.refused(reply, ctx, error, 'console');
    }
    const lastPayment = payments.items.at(-1);
    const lastDelivery = deliveries.items.at(-1);
    return this.web.send(reply, ctx, {
      status,
      title: 'Money',
      section: 'console',
      body: moneyBody(ctx, {
        currency: this.payments.currency(),
        payments: payments.items,
        paymentsNext: payments.hasNextPage && lastPayment ? payments.cursorOf(lastPayment) : null,
        deliveries: deliveries.items,
        deliveriesNext: deliveries.hasNextPage && lastDelivery ? encodeCursor(lastDelivery.id) : null,
        webhookEnabled: this.payments.webhookEnabled(),
        paymentIds: { revenue: uuidv7(), cost: uuidv7() },
        draft: options.draft ?? null,
      }),
    });
  }
}

/** The form field a coop refusal is about. */
function fieldOf(error: unknown): MoneyDraft['field'] {
  if (!(error instanceof DomainException)) return null;
  if (error.details.field === 'amountCents') return 'amount';
  if (error.reason === CoopServiceErrorCode.NotAMember) return 'member';
  return null;
}
