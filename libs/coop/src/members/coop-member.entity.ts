import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { BIGINT } from '../ledger/bigint.transformer';

/** `pending` (applied, not yet admitted) and SPEC §3's statuses of an admitted member. */
export const COOP_MEMBER_STATUSES = ['pending', 'active', 'inactive', 'suspended', 'withdrawn', 'expelled'] as const;
export type CoopMemberStatus = (typeof COOP_MEMBER_STATUSES)[number];

/** An account's membership of the cooperative: one row per account, from application on. */
@Entity('coop_members')
@Check('coop_members_status_ck', `"status" IN ('pending', 'active', 'inactive', 'suspended', 'withdrawn', 'expelled')`)
@Check('coop_members_share_ck', `"share_paid_cents" >= 0`)
@Index('coop_members_status_idx', ['status'])
export class CoopMemberEntity {
  @PrimaryColumn('uuid')
  accountId: string;

  @Column({ type: 'text', default: 'pending' })
  status: CoopMemberStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  appliedAt: Date;

  /** Admission: the `joinedAt` of the snapshot (null while pending). */
  @Column({ type: 'timestamptz', nullable: true })
  joinedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  withdrawnAt: Date | null;

  /** The membership share paid in at par (cents); redeemed at par on withdrawal. */
  @Column({ type: 'bigint', default: 0, transformer: BIGINT })
  sharePaidCents: number;
}
