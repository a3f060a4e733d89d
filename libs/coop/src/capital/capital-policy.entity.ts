import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { BIGINT } from '../ledger/bigint.transformer';

/**
 * The board's revolving period and minimum payout, one row per decision (kept, never edited): the
 * latest row is in force, the bylaws' defaults until the first.
 */
@Entity('coop_capital_policies')
@Check('coop_capital_policies_revolving_ck', `"revolving_periods" >= 1`)
@Check('coop_capital_policies_min_payout_ck', `"min_payout_cents" >= 0`)
export class CapitalPolicyEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** A vintage is redeemed once this many periods have closed after it. */
  @Column({ type: 'integer' })
  revolvingPeriods: number;

  /** Members in good standing are paid once owed at least this (cents). */
  @Column({ type: 'bigint', transformer: BIGINT })
  minPayoutCents: number;

  /** The admin who set it. */
  @Column({ type: 'uuid' })
  setBy: string;

  @Column({ type: 'text', default: '' })
  reason: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
