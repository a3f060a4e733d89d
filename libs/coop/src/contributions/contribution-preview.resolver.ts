import {
  Args,
  ArgsType,
  type ComplexityEstimator,
  Field,
  Int,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { IsInt, Max, Min } from 'class-validator';
import { CurrentAuth, type AuthContext } from '@guildhall/identity';
import { ContributionPreview } from './contribution-preview';
import { ContributionEventModel, ContributionPreviewModel } from './contribution-preview.model';

const MAX_EVENTS = 100;

@ArgsType()
class LastEventsArgs {
  @Field(() => Int, { defaultValue: 20, description: `1 to ${MAX_EVENTS}` })
  @IsInt()
  @Min(1)
  @Max(MAX_EVENTS)
  last: number = 20;
}
const eventsComplexity: ComplexityEstimator = ({ args, childComplexity }) => {
  const last = (args as { last?: unknown }).last;
  return 1 + (typeof last === 'number' ? last : 20) * childComplexity;
};

/** The viewer's contributions this period so far (what the web app's /ownership/contributions shows). */
@Resolver(() => ContributionPreviewModel)
export class ContributionPreviewResolver {
  constructor(private readonly preview: ContributionPreview) {}

  @Query(() => ContributionPreviewModel, {
    nullable: true,
    description: "The viewer's contributions in the open period so far; null when not a member or no period is open.",
  })
  async myContributions(@CurrentAuth() auth: AuthContext): Promise<ContributionPreviewModel | null> {
    const { period, explanation } = await this.preview.forMember(auth.accountId);
    if (!period || !explanation) return null;
    return {
      periodId: period.id,
      periodStart: period.startsAt,
      periodEnd: period.endsAt,
      status: explanation.status,
      eligible: explanation.eligible,
      oldEnoughAt: new Date(explanation.oldEnoughAt),
      points: Object.entries(explanation.points).map(([pool, points]) => ({ pool, points })),
      byType: explanation.byType,
      budgets: explanation.budgets,
      eventCount: explanation.events.length,
      allEvents: explanation.events,
    };
  }

  @ResolveField(() => [ContributionEventModel], {
    description: `The latest \`last\` events (1 to ${MAX_EVENTS}), oldest of them first.`,
    complexity: eventsComplexity,
  })
  events(@Parent() preview: ContributionPreviewModel, @Args() { last }: LastEventsArgs): ContributionEventModel[] {
    return preview.allEvents.slice(-last);
  }
}
