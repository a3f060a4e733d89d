import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Role, Roles } from '@guildhall/identity';
import { PeriodCloseModel } from './period-close.model';
import { PeriodService } from './period.service';

@Resolver(() => PeriodCloseModel)
export class PeriodResolver {
  constructor(private readonly periods: PeriodService) {}

  @Roles(Role.Admin)
  @Mutation(() => PeriodCloseModel, {
    description:
      'Closes the open period (or `period`, when given) and opens the next. Closing a closed period ' +
      'returns its snapshot and result and posts nothing.',
  })
  async closePeriod(
    @Args('period', { nullable: true, description: 'The id of the period to close, e.g. 2026-11.' })
    period?: string,
  ): Promise<PeriodCloseModel> {
    const { snapshot, result } = await this.periods.close(period ?? undefined);
    return { snapshot, result };
  }
}
