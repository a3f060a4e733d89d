import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { PeriodParameters } from '../engine/snapshot';
import { JSONScalar } from '../periods/json.scalar';
import type { ParameterChanges } from './bylaw-bounds';

export enum ProposalStatus {
  OPEN = 'OPEN',
  ADOPTED = 'ADOPTED',
  REJECTED = 'REJECTED',
}

export enum VoteChoice {
  YES = 'YES',
  NO = 'NO',
  ABSTAIN = 'ABSTAIN',
}

registerEnumType(ProposalStatus, { name: 'ProposalStatus' });
registerEnumType(VoteChoice, {
  name: 'VoteChoice',
  description: 'ABSTAIN counts towards the quorum, not the majority.',
});

@ObjectType('CoopProposal', {
  description:
    "A proposal to change the next periods' parameters. Decided by quorum (≥ 20% of the active members " +
    'voted) and a simple majority of YES over YES + NO; adopted parameters apply to periods opened after.',
})
export class ProposalModel {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  proposerId: string;

  @Field()
  rationale: string;

  @Field(() => JSONScalar, { description: 'What it changes (absent parameters keep their value).' })
  changes: ParameterChanges;

  @Field(() => ProposalStatus)
  status: ProposalStatus;

  @Field()
  createdAt: Date;

  @Field()
  closesAt: Date;

  @Field(() => Date, { nullable: true })
  decidedAt: Date | null;

  @Field(() => Int, { nullable: true, description: 'Tallied when decided (votes of members active then).' })
  yes: number | null;

  @Field(() => Int, { nullable: true })
  no: number | null;

  @Field(() => Int, { nullable: true })
  abstain: number | null;

  @Field(() => Int, { nullable: true, description: 'Active members when decided.' })
  electorate: number | null;

  @Field(() => String, { nullable: true })
  outcome: string | null;

  @Field(() => JSONScalar, { nullable: true, description: 'Adopted: the parameters periods opened after get.' })
  parameters: PeriodParameters | null;

  @Field(() => Int, { nullable: true })
  vestingPeriods: number | null;
}
