import { Args, type ComplexityEstimator, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ConnectionArgs, DEFAULT_PAGE_SIZE, type Connection } from '@guildhall/core';
import { CurrentAuth, Public, type AuthContext } from '@guildhall/identity';
import { JSONScalar } from '../periods/json.scalar';
import { CoopAccountModel } from './coop-account.model';
import { CoopAllocationConnection, type CoopAllocationModel } from './coop-allocation.model';
import { PublishedPeriodConnection, PublishedPeriodModel } from './published-period.model';
import { TransparencyService } from './transparency.service';

/** A page costs `first` times what one of its items costs. */
const pageComplexity: ComplexityEstimator = ({ args, childComplexity }) => {
  const first = (args as { first?: unknown }).first;
  return 1 + (typeof first === 'number' ? first : DEFAULT_PAGE_SIZE) * childComplexity;
};

/** A published snapshot may hold a million events: asking for one costs as much as a page. */
const DOCUMENT_COMPLEXITY = 20;

/** What a member owns and earned (its own only), and every close as published (anyone). */
@Resolver(() => PublishedPeriodModel)
export class TransparencyResolver {
  constructor(private readonly transparency: TransparencyService) {}

  @Query(() => CoopAccountModel, {
    nullable: true,
    description: 'What the viewer owns in the cooperative (from the ledger); null if it never applied.',
  })
  myCoop(@CurrentAuth() auth: AuthContext): Promise<CoopAccountModel | null> {
    return this.transparency.account(auth.accountId);
  }

  @Query(() => CoopAllocationConnection, {
    description: "The viewer's patronage per closed period, newest first, with the reason for each amount.",
    complexity: pageComplexity,
  })
  myAllocations(
    @CurrentAuth() auth: AuthContext,
    @Args() args: ConnectionArgs,
  ): Promise<Connection<CoopAllocationModel>> {
    return this.transparency.allocations(auth.accountId, args.first, args.after);
  }

  @Public()
  @Query(() => PublishedPeriodConnection, {
    description: 'Closed periods, newest first.',
    complexity: pageComplexity,
  })
  closedPeriods(@Args() args: ConnectionArgs): Promise<Connection<PublishedPeriodModel>> {
    return this.transparency.closedPeriods(args.first, args.after);
  }

  @Public()
  @Query(() => PublishedPeriodModel, { nullable: true, description: 'A closed period; null if unknown or open.' })
  period(@Args('id') id: string): Promise<PublishedPeriodModel | null> {
    return this.transparency.period(id);
  }

  @ResolveField(() => JSONScalar, {
    description: 'guildhall.period-snapshot/1 (SPEC §3), as published.',
    complexity: DOCUMENT_COMPLEXITY,
  })
  snapshot(@Parent() period: PublishedPeriodModel): Promise<unknown> {
    return this.transparency.publishedJson(period.id, 'snapshot');
  }

  @ResolveField(() => JSONScalar, {
    description: 'guildhall.period-result/1 (SPEC §6), as published.',
    complexity: DOCUMENT_COMPLEXITY,
  })
  result(@Parent() period: PublishedPeriodModel): Promise<unknown> {
    return this.transparency.publishedJson(period.id, 'result');
  }
}
