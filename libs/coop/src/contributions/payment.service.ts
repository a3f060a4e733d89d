import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  afterCursor,
  AuditLog,
  ConfigService,
  InvalidCursorException,
  type Page,
  toPage,
  uuidv7,
} from '@guildhall/core';
import { AccountService } from '@guildhall/identity';
import { MONEY_BOUNDS } from '../bylaws';
import { CoopServiceErrorCode, CoopServiceException } from '../coop-service.exception';
import { CoopMemberRepository } from '../members/coop-member.repository';
import type { CoopPaymentEntity, CoopPaymentKind } from './coop-payment.entity';
import { CoopPaymentRepository, type ListedPayment } from './coop-payment.repository';
import type { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { type NewWebhookDelivery, WebhookDeliveryRepository } from './webhook-delivery.repository';

export interface PaymentRequest {
  /** The provider's payment id (idempotency); generated when an admin records without one. */
  id?: string | null;
  kind: CoopPaymentKind;
  amountCents: number;
  memo?: string | null;
  /** The paying member's handle (revenue only): the payment is also their SPENT contribution. */
  memberHandle?: string | null;
}

/** The cursor of a payment in the stewards' list: its recording number (payment ids are the provider's). */
const paymentCursor = (seq: number): string => Buffer.from(`p1:${seq}`).toString('base64url');

function paymentCursorSeq(after: string | null | undefined): number | null {
  if (!after) return null;
  const match = after.length <= 40 ? /^p1:([1-9][0-9]{0,15})$/.exec(Buffer.from(after, 'base64url').toString()) : null;
  if (!match) throw new InvalidCursorException();
  return Number(match[1]);
}

/** A page of payments with each one's cursor. */
export interface PaymentPage extends Page<ListedPayment> {
  cursorOf: (payment: ListedPayment) => string;
}

/**
 * Money in and out: recorded by admins (audit-logged with the admin) or the signed webhook
 * (kept in the webhook log); counted by the next close.
 */
@Injectable()
export class PaymentService {
  private readonly logger = new Logger(PaymentService.name);

  constructor(
    private readonly payments: CoopPaymentRepository,
    private readonly members: CoopMemberRepository,
    private readonly accounts: AccountService,
    private readonly config: ConfigService,
    private readonly audit: AuditLog,
    private readonly deliveries: WebhookDeliveryRepository,
  ) {}

  /**
   * Records a payment. `actorId` is the steward recording it by hand (the audit log's
   * `coop.record_revenue` / `coop.record_cost`, in the payment's transaction); null for the
   * webhook, whose deliveries are kept in the webhook log instead.
   */
  async record(request: PaymentRequest, actorId: string | null): Promise<CoopPaymentEntity> {
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
      actorId === null
        ? undefined
        : (manager, payment) =>
            this.audit.record(manager, {
              actorId,
              action: payment.kind === 'revenue' ? 'coop.record_revenue' : 'coop.record_cost',
              subject: payment.id,
              details: {
                amountCents: payment.amountCents,
                currency: this.currency(),
                memo: payment.memo,
                memberHandle: request.memberHandle ?? null,
              },
            }),
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

  /** The currency of the co-op's books (COOP_CURRENCY): every amount is in its cents. */
  currency(): string {
    return this.config.values.coopCurrency;
  }

  /** The stewards' list of payments, newest first. */
  async recent(first: number, after?: string | null): Promise<PaymentPage> {
    const rows = await this.payments.page(paymentCursorSeq(after), first + 1);
    return { ...toPage(rows, first), cursorOf: (payment) => paymentCursor(payment.seq) };
  }

  /** Keeps one webhook delivery in the log (accepted or refused, and why). */
  logDelivery(delivery: NewWebhookDelivery): Promise<WebhookDeliveryEntity> {
    return this.deliveries.record(delivery);
  }

  /** The webhook log, newest first; `after` is a delivery's cursor. */
  async webhookDeliveries(first: number, after?: string | null): Promise<Page<WebhookDeliveryEntity>> {
    return toPage(await this.deliveries.page(afterCursor(after), first + 1), first);
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
