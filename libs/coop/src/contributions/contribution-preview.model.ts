import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { listComplexity } from '@guildhall/core';

@ObjectType('ContributionPoolPoints', { description: "A member's points in one pool so far." })
export class ContributionPoolPointsModel {
  @Field()
  pool: string;

  @Field(() => Float)
  points: number;
}

@ObjectType('ContributionTypePoints', {
  description: "A member's points from one contribution type so far, by the period's rule (caps and budgets applied).",
})
export class ContributionTypePointsModel {
  @Field({ description: 'PUBLISHED, ENGAGED, CURATED, MODERATED, SPENT or a type the parameters define.' })
  type: string;

  @Field({ description: 'count, amount or budget (SPEC §4).' })
  rule: string;

  @Field()
  pool: string;

  @Field(() => Float)
  points: number;
}

@ObjectType('ContributionBudgetShare', {
  description: "What one member's (or allowlisted server's) engagement budget gives the viewer (SPEC §4.6).",
})
export class ContributionBudgetShareModel {
  @Field()
  type: string;

  @Field()
  pool: string;

  @Field({ description: 'The handle of the member, or instance:HOST for a remote server.' })
  actor: string;

  @Field(() => Int, { description: "The viewer's distinct posts it engaged with (its weight in the split)." })
  objects: number;

  @Field(() => Float, { description: "The actor's whole budget this period." })
  budget: number;

  @Field(() => Float, { description: "The viewer's share (largest remainder over every author it engaged with)." })
  points: number;
}

@ObjectType('ContributionEvent', { description: 'One recorded contribution of the viewer and what became of it.' })
export class ContributionEventModel {
  @Field({ description: 'The event id; it names its cause (published:<post id>, engaged:<like id>…).' })
  id: string;

  @Field()
  type: string;

  @Field()
  rule: string;

  @Field()
  pool: string;

  @Field(() => String, { nullable: true, description: 'The post (or report) it is about.' })
  object: string | null;

  @Field(() => String, { nullable: true, description: 'Who engaged: a handle, or instance:HOST.' })
  actor: string | null;

  @Field(() => Float, { nullable: true, description: 'SPENT: the amount in cents (refunds negative).' })
  amount: number | null;

  @Field({
    description:
      'counted, over-cap, engaged (part of an actor budget), reversed, redelivered, member-ineligible, ' +
      'self-engagement or actor-ineligible.',
  })
  outcome: string;

  @Field(() => Float, {
    nullable: true,
    description: 'Points it adds (count: up to the cap; amount: amount × points); null for budget events.',
  })
  points: number | null;

  @Field(() => String, { nullable: true, description: 'The reversal that removed it.' })
  reversedBy: string | null;
}

@ObjectType('ContributionPreview', {
  description:
    "The viewer's contributions in the open period so far, scored by the period's rules as the close would if " +
    'the period ended on schedule (budget ties can differ by a point at the close, where pseudonyms order them).',
})
export class ContributionPreviewModel {
  @Field()
  periodId: string;

  @Field()
  periodStart: Date;

  @Field({ description: 'The scheduled end: eligibility is judged at it.' })
  periodEnd: Date;

  @Field()
  status: string;

  @Field({ description: 'Whether anything counts: active, and a member for minMemberAgeDays by the period end.' })
  eligible: boolean;

  @Field({ description: 'From when the member is old enough to count (joinedAt + minMemberAgeDays).' })
  oldEnoughAt: Date;

  @Field(() => [ContributionPoolPointsModel], { complexity: listComplexity(32) })
  points: ContributionPoolPointsModel[];

  @Field(() => [ContributionTypePointsModel], { complexity: listComplexity(32) })
  byType: ContributionTypePointsModel[];

  @Field(() => [ContributionBudgetShareModel], {
    description: 'One per member or server whose engagement counts for the viewer.',
    complexity: listComplexity(40),
  })
  budgets: ContributionBudgetShareModel[];

  @Field(() => Int, { description: 'How many events were recorded for the viewer this period.' })
  eventCount: number;

  /** Every event, oldest first; the `events` field gives the latest ones. Not a GraphQL field. */
  allEvents: ContributionEventModel[];
}
