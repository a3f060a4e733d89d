import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

export type WebhookDeliveryStatus = 'accepted' | 'refused';

/**
 * One POST to the payment webhook, kept for the stewards' webhook log: when, from which address,
 * accepted (with the payment it recorded) or refused (with the reason). Only the newest
 * WEBHOOK_LOG_KEEP are kept: the route is public, so its log must not grow without bound.
 */
@Entity('coop_webhook_deliveries')
@Check('coop_webhook_deliveries_status_ck', `"status" IN ('accepted', 'refused')`)
export class WebhookDeliveryEntity {
  /** A UUIDv7: time-ordered, the page cursor. */
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;

  /** The delivering address (the request's client IP). */
  @Column({ type: 'text' })
  source: string;

  @Column({ type: 'text' })
  status: WebhookDeliveryStatus;

  /** The HTTP status answered. */
  @Column({ type: 'integer' })
  httpStatus: number;

  /** Why it was refused (null when accepted). */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** The payment id the delivery named, once its signature was good (null before). */
  @Column({ type: 'text', nullable: true })
  paymentId: string | null;
}
