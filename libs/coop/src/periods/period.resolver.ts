import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentAuth, Role, Roles, type AuthContext } from '@guildhall/identity';
import { PeriodCloseModel, PeriodClosePreviewModel } from './period-close.model';
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
    @CurrentAuth() auth: AuthContext,
    @Args('period', { nullable: true, description: 'The id of the period to close, e.g. 2026-11.' })
    period?: string,
    @Args('asOf', {
      nullable: true,
      type: () => Date,
      description: "End the period at a preview's `asOf` (at most an hour old) instead of now.",
    })
    asOf?: Date | null,
  ): Promise<PeriodCloseModel> {
    const { snapshot, result } = await this.periods.close(period ?? undefined, {
      actorId: auth.accountId,
      asOf: asOf ?? undefined,
    });
    return { snapshot, result };
  }

  @Roles(Role.Admin)
  @Query(() => PeriodClosePreviewModel, {
    description: "The open period's close as it would be now: snapshot and result, nothing posted.",
  })
  async periodClosePreview(): Promise<PeriodClosePreviewModel> {
    const { snapshot, result, asOf } = await this.periods.previewClose();
    return { snapshot, result, asOf };
  }
}
