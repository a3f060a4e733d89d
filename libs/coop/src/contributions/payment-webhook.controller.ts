import {
  BadRequestException,
  Controller,
  Headers,
  HttpCode,
  HttpException,
  HttpStatus,
  NotFoundException,
  Post,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import { DomainException, HTTP_STATUS_BY_GRAPHQL_CODE } from '@guildhall/core';
import { Public } from '@guildhall/identity';
import type { FastifyRequest } from 'fastify';
import { MONEY_BOUNDS } from '../bylaws';
import type { CoopPaymentKind } from './coop-payment.entity';
import { PaymentService, type PaymentRequest } from './payment.service';

export const SIGNATURE_HEADER = 'x-guildhall-signature';

/**
 * `POST /api/v1/coop/payments` for a payment provider: `{ id, kind?: revenue|cost, amountCents,
 * memo?, memberHandle? }`, signed with `X-Guildhall-Signature: sha256=<hex HMAC-SHA256 of the raw
 * body>` (COOP_WEBHOOK_SECRET). The signature is checked before the body is read; the payment id
 * makes a redelivery harmless. Without a secret configured the route answers 404. Every delivery
 * to a configured webhook is kept in the stewards' webhook log, accepted or refused and why.
 */
@Controller('api/v1/coop')
export class PaymentWebhookController {
  constructor(private readonly payments: PaymentService) {}

  @Public()
  @Post('payments')
  @HttpCode(HttpStatus.OK)
  async receive(
    @Req() request: FastifyRequest & { rawBody?: Buffer },
    @Headers(SIGNATURE_HEADER) signature: string | undefined,
  ): Promise<{ id: string; kind: CoopPaymentKind; amountCents: number }> {
    if (!this.payments.webhookEnabled()) throw new NotFoundException();
    const source = request.ip;
    let paymentId: string | null = null;
    try {
      if (!request.rawBody || !this.payments.verifySignature(request.rawBody, signature)) {
        throw new UnauthorizedException('bad or missing signature');
      }
      paymentId = namedPaymentId(request.body);
      const payment = await this.payments.record(parsePayment(request.body), null);
      await this.payments.logDelivery({ source, status: 'accepted', httpStatus: 200, reason: null, paymentId });
      return { id: payment.id, kind: payment.kind, amountCents: payment.amountCents };
    } catch (error) {
      const refusal = refusalOf(error);
      await this.payments.logDelivery({ source, status: 'refused', ...refusal, paymentId });
      throw error;
    }
  }
}

/** The id a signed body names, when it is a plausible one (kept in the log even if refused). */
function namedPaymentId(body: unknown): string | null {
  const id = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).id : undefined;
  return typeof id === 'string' && /^[\x21-\x7e]{1,200}$/.test(id) ? id : null;
}

/** The status answered and the reason, for the log. */
function refusalOf(error: unknown): { httpStatus: number; reason: string } {
  if (error instanceof DomainException) {
    return { httpStatus: HTTP_STATUS_BY_GRAPHQL_CODE[error.graphqlCode], reason: error.message };
  }
  if (error instanceof HttpException) {
    const answer = error.getResponse();
    const message = typeof answer === 'object' && answer !== null ? (answer as { message?: unknown }).message : answer;
    const reason = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message;
    return { httpStatus: error.getStatus(), reason: reason.slice(0, 1000) };
  }
  return { httpStatus: 500, reason: 'internal error' };
}

function parsePayment(body: unknown): PaymentRequest {
  const problems: string[] = [];
  const value = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const { id, kind = 'revenue', amountCents, memo, memberHandle } = value;
  if (typeof id !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(id)) problems.push('id: 1-200 printable characters');
  if (kind !== 'revenue' && kind !== 'cost') problems.push('kind: revenue or cost');
  if (
    !Number.isSafeInteger(amountCents) ||
    (amountCents as number) <= 0 ||
    (amountCents as number) > MONEY_BOUNDS.maxPaymentCents
  ) {
    problems.push(`amountCents: an integer from 1 to ${MONEY_BOUNDS.maxPaymentCents}`);
  }
  if (memo !== undefined && (typeof memo !== 'string' || memo.length > 500))
    problems.push('memo: at most 500 characters');
  if (memberHandle !== undefined && typeof memberHandle !== 'string') problems.push('memberHandle: a handle');
  if (problems.length) throw new BadRequestException(problems);
  return {
    id: id as string,
    kind: kind as CoopPaymentKind,
    amountCents: amountCents as number,
    memo: (memo as string | undefined) ?? '',
    memberHandle: (memberHandle as string | undefined) ?? null,
  };
}
