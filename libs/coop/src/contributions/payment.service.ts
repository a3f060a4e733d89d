import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService, uuidv7 } from '@guildhall/core';
import { AccountService } from '@guildhall/identity';
import { MONEY_BOUNDS } from '../bylaws';
import { CoopServiceErrorCode, CoopServiceException } from '../coop-service.exception';
import { CoopMemberRepository } from '../members/coop-member.repository';
import type { CoopPaymentEntity, CoopPaymentKind } from './coop-payment.entity';
import { CoopPaymentRepository } from './coop-payment.repository';

export interface PaymentRequest {
  /** The provider's payment id (idempotency); generated when an admin records without one. */
  id?: string | null;
  kind: CoopPaymentKind;
  amountCents: number;
  memo?: string | null;
  /** The paying member's handle (revenue only): the payment is also their SPENT contribution. */
  memberHandle?: string | null;
}

/** Money in and out: recorded by admins or the signed webhook; counted by the next close. */
@Injectable()
export class PaymentService {
  private readonly logger = new Logger(PaymentService.name);

  constructor(
    private readonly payments: CoopPaymentRepository,
    private readonly members: CoopMemberRepository,
    private readonly accounts: AccountService,
    private readonly config: ConfigService,
  ) {}

  async record(request: PaymentRequest): Promise<CoopPaymentEntity> {
    const { maxPaymentCents, maxPeriodMoneyCents } = MONEY_BOUNDS;
    if (
      !Number.isSafeInteger(request.amountCents) ||
      request.amountCents < 1 ||
      request.amountCents > maxPaymentCents
    ) {
      throw new CoopServiceException(
        CoopServiceErrorCode.PaymentOutOfBounds,
        `amountCents must be an integer from 1 to ${maxPaymentCents}, got ${request.amountCents}`,
        { field: 'amountCents' },
      );
    }
    let memberId: string | null = null;
    if (request.memberHandle) {
      if (request.kind !== 'revenue') {
        throw new CoopServiceException(CoopServiceErrorCode.PaymentConflict, 'Only revenue is paid by a member');
      }
      const account = await this.accounts.findByHandle(request.memberHandle, { resolveRemote: false });
      const member = account ? await this.members.findByAccountId(account.id) : null;
      if (!account || !member || member.status === 'pending') {
        throw new CoopServiceException(CoopServiceErrorCode.NotAMember, `${request.memberHandle} is not a member`);
      }
      memberId = account.id;
    }
    const recorded = await this.payments.record(
      {
        id: request.id ?? uuidv7(),
        kind: request.kind,
        amountCents: request.amountCents,
        memo: request.memo ?? '',
        memberId,
      },
      maxPeriodMoneyCents,
    );
    if (recorded.refused) {
      const room = Math.max(0, maxPeriodMoneyCents - recorded.refused.used);
      throw new CoopServiceException(
        CoopServiceErrorCode.PaymentOutOfBounds,
        `The open period's money (opening reserve, commons and loss carryforward, revenue and costs) may ` +
          `reach ${maxPeriodMoneyCents} cents; it holds ${recorded.refused.used}, room for ${room} more`,
        { field: 'amountCents' },
      );
    }
    const { payment, created } = recorded;
    if (!created && (payment.kind !== request.kind || payment.amountCents !== request.amountCents)) {
      throw new CoopServiceException(
        CoopServiceErrorCode.PaymentConflict,
        `Payment ${payment.id} was recorded differently`,
      );
    }
    if (created) this.logger.log({ msg: 'payment recorded', paymentId: payment.id, kind: payment.kind });
    return payment;
  }

  /** Whether the webhook is configured (no secret: the endpoint does not exist). */
  webhookEnabled(): boolean {
    return this.config.values.coopWebhookSecret !== undefined;
  }

  /** `sha256=<hex>` HMAC of the raw body with COOP_WEBHOOK_SECRET, compared in constant time. */
  verifySignature(rawBody: Buffer, header: string | undefined): boolean {
    const secret = this.config.values.coopWebhookSecret;
    if (!secret || !header?.startsWith('sha256=')) return false;
    const given = Buffer.from(header.slice('sha256='.length), 'hex');
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
