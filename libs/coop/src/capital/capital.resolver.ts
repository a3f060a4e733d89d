import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ConnectionArgs, type Connection } from '@guildhall/core';
import { CurrentAuth, Public, Role, Roles, type AuthContext } from '@guildhall/identity';
import {
  CapitalPolicyModel,
  PayableConnection,
  type PayableModel,
  PayoutRunModel,
  PayoutRunSummaryModel,
  RevolvedVintageModel,
} from './capital.model';
import { CapitalService } from './capital.service';
import { PayoutRunsArgs } from './dto/payout-runs.args';
import { SetCapitalPolicyInput } from './dto/set-capital-policy.input';

/** The board (admins) runs payouts and redemptions; anyone may read the policy. */
@Resolver(() => PayoutRunModel)
export class CapitalResolver {
  constructor(private readonly capital: CapitalService) {}

  @Public()
  @Query(() => CapitalPolicyModel, { description: 'The revolving period and minimum payout in force.' })
  capitalPolicy(): Promise<CapitalPolicyModel> {
    return this.capital.policy();
  }

  @Roles(Role.Admin)
  @Query(() => PayableConnection, {
    description: 'What the cooperative owes each member (patronage and redemptions payable), by account id.',
  })
  coopPayables(@Args() args: ConnectionArgs): Promise<Connection<PayableModel>> {
    return this.capital.payables(args.first, args.after);
  }

  @Roles(Role.Admin)
  @Query(() => [PayoutRunSummaryModel], { description: 'Past payout runs, newest first.' })
  coopPayoutRuns(@Args() args: PayoutRunsArgs): Promise<PayoutRunSummaryModel[]> {
    return this.capital.payoutRuns(args.first);
  }

  @Roles(Role.Admin)
  @Mutation(() => CapitalPolicyModel, {
    description: 'Sets the revolving period and minimum payout within the bylaws (absent fields kept).',
  })
  setCapitalPolicy(
    @CurrentAuth() auth: AuthContext,
    @Args('input') input: SetCapitalPolicyInput,
  ): Promise<CapitalPolicyModel> {
    return this.capital.setPolicy(auth.accountId, input);
  }

  @Roles(Role.Admin)
  @Mutation(() => PayoutRunModel, {
    description:
      "The latest closed period's payout run: revolves the vintages due, then pays every member owed at " +
      'least the minimum payout and every member who left. Running it again posts nothing.',
  })
  runPayouts(@CurrentAuth() auth: AuthContext): Promise<PayoutRunModel> {
    return this.capital.runPayouts(auth.accountId);
  }

  @Roles(Role.Admin)
  @Mutation(() => [RevolvedVintageModel], {
    description:
      'Redeems every vintage up to and including `through` (a closed period) ahead of the revolving ' +
      'schedule: its capital becomes redemption payable. Returns what this call redeemed.',
  })
  redeemVintages(
    @CurrentAuth() auth: AuthContext,
    @Args('through', { description: 'A closed period id, e.g. 2026-11.' }) through: string,
  ): Promise<RevolvedVintageModel[]> {
    return this.capital.redeemVintages(through, auth.accountId);
  }
}
