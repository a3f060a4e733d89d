import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

export const VOTE_CHOICES = ['YES', 'NO', 'ABSTAIN'] as const;
export type VoteChoiceName = (typeof VOTE_CHOICES)[number];

/** One member, one vote per proposal: voting again while the vote is open replaces the choice. */
@Entity('coop_votes')
@Check('coop_votes_choice_ck', `"choice" IN ('YES', 'NO', 'ABSTAIN')`)
export class CoopVoteEntity {
  @PrimaryColumn('uuid')
  proposalId: string;

  @PrimaryColumn('uuid')
  memberId: string;

  @Column({ type: 'text' })
  choice: VoteChoiceName;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  votedAt: Date;
}
