import { Check, Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';
import { BIGINT } from '../ledger/bigint.transformer';

export type CoopPaymentKind = 'revenue' | 'cost';

/**
 * Money in (revenue) or out (costs), recorded by an admin or the payment webhook. The id is the
 * provider's payment id (or a generated one): the same payment twice is stored once. Like events,
 * a close counts the payments recorded after the previous close's watermark.
 */
@Entity('coop_payments')
@Index('coop_payments_seq_uq', ['seq'], { unique: true })
@Check('coop_payments_kind_ck', `"kind" IN ('revenue', 'cost')`)
@Check('coop_payments_amount_ck', `"amount_cents" > 0`)
export class CoopPaymentEntity {
  @PrimaryColumn('text')
  id: string;

  @Column({ type: 'bigint', transformer: BIGINT })
  @Generated('increment')
  seq: number;

  @Column({ type: 'text' })
  kind: CoopPaymentKind;

  @Column({ type: 'bigint', transformer: BIGINT })
  amountCents: number;

  @Column({ type: 'text', default: '' })
  memo: string;

  /** The paying member (a tip, a subscription): also recorded as SPENT. */
  @Column({ type: 'uuid', nullable: true })
  memberId: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;
}
