import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentAuth, Role, type AuthContext } from '@guildhall/identity';
import { JSONScalar } from '../periods/json.scalar';
import { AdoptedParameters } from './adopted-parameters';
import type { CoopProposalEntity } from './coop-proposal.entity';
import { ProposeParametersInput } from './dto/propose-parameters.input';
import { GovernanceService } from './governance.service';
import { ProposalModel, ProposalStatus, VoteChoice } from './proposal.model';

const toModel = (p: CoopProposalEntity): ProposalModel => ({
  ...p,
  status: p.status.toUpperCase() as ProposalStatus,
});

@Resolver(() => ProposalModel)
export class GovernanceResolver {
  constructor(
    private readonly governance: GovernanceService,
    private readonly adopted: AdoptedParameters,
  ) {}

  @Query(() => ProposalModel, { nullable: true })
  async coopProposal(@Args('id', { type: () => ID }) id: string): Promise<ProposalModel | null> {
    const proposal = await this.governance.find(id);
    return proposal ? toModel(proposal) : null;
  }

  @Query(() => [ProposalModel], { description: 'Proposals, newest first.' })
  async coopProposals(
    @Args('status', { type: () => ProposalStatus, nullable: true }) status?: ProposalStatus,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first = 20,
  ): Promise<ProposalModel[]> {
    const rows = await this.governance.list(
      status ? (status.toLowerCase() as CoopProposalEntity['status']) : null,
      Math.min(Math.max(first, 1), 100),
    );
    return rows.map(toModel);
  }

  @Query(() => JSONScalar, {
    description: 'The parameters (and vestingPeriods) the next period will open with, as adopted so far.',
  })
  nextPeriodParameters(): Promise<unknown> {
    return this.adopted.current();
  }

  @Mutation(() => ProposalModel, {
    description: "Proposes changes to the next periods' parameters (active members; within the bylaws).",
  })
  async proposeParameters(
    @CurrentAuth() auth: AuthContext,
    @Args('input') input: ProposeParametersInput,
  ): Promise<ProposalModel> {
    return toModel(await this.governance.propose(auth.accountId, input));
  }

  @Mutation(() => ProposalModel, {
    description: "Votes on an open proposal (active members); voting again replaces the member's vote.",
  })
  async vote(
    @CurrentAuth() auth: AuthContext,
    @Args('proposalId', { type: () => ID }) proposalId: string,
    @Args('choice', { type: () => VoteChoice }) choice: VoteChoice,
  ): Promise<ProposalModel> {
    return toModel(await this.governance.vote(auth.accountId, proposalId, choice));
  }

  @Mutation(() => ProposalModel, {
    description:
      'Closes the vote and decides the proposal: an admin at any time, an active member once closesAt has passed.',
  })
  async closeProposal(
    @CurrentAuth() auth: AuthContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ProposalModel> {
    return toModel(await this.governance.close({ accountId: auth.accountId, admin: auth.role === Role.Admin }, id));
  }
}
