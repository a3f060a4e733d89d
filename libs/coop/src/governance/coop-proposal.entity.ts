import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { PeriodParameters } from '../engine/snapshot';
import type { ParameterChanges } from './bylaw-bounds';

export const PROPOSAL_STATUSES = ['open', 'adopted', 'rejected'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/**
 * A proposal to change the parameters of the periods that open after it is adopted. It keeps
 * what it changes; when adopted, the complete parameters it produced (on top of the ones adopted
 * before it) — the latest adopted proposal is what the next period opens with.
 */
@Entity('coop_proposals')
@Check('coop_proposals_status_ck', `"status" IN ('open', 'adopted', 'rejected')`)
@Index('coop_proposals_adopted_idx', ['decidedAt'], { where: `"status" = 'adopted'` })
export class CoopProposalEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  proposerId: string;

  @Column({ type: 'text', default: '' })
  rationale: string;

  @Column({ type: 'jsonb' })
  changes: ParameterChanges;

  @Column({ type: 'text', default: 'open' })
  status: ProposalStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** Votes are taken until then; an admin may close the vote earlier. */
  @Column({ type: 'timestamptz' })
  closesAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  /** The tally when decided: counted votes of members active then, and how many were active. */
  @Column({ type: 'integer', nullable: true })
  yes: number | null;

  @Column({ type: 'integer', nullable: true })
  no: number | null;

  @Column({ type: 'integer', nullable: true })
  abstain: number | null;

  @Column({ type: 'integer', nullable: true })
  electorate: number | null;

  /** Why it was adopted or rejected, in words. */
  @Column({ type: 'text', nullable: true })
  outcome: string | null;

  /** Adopted only: the complete parameters periods opened from now on get. */
  @Column({ type: 'jsonb', nullable: true })
  parameters: PeriodParameters | null;

  @Column({ type: 'integer', nullable: true })
  vestingPeriods: number | null;
}
