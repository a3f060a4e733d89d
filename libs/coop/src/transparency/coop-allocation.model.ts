import { Field, Float, ObjectType } from '@nestjs/graphql';
import { ConnectionType, listComplexity } from '@guildhall/core';

@ObjectType('CoopPoolAllocation', {
  description:
    "Why a member got what it got from one pool: its weight (points, or vested units for EQUITY) over the pool's basis.",
})
export class CoopPoolAllocationModel {
  @Field()
  pool: string;

  @Field(() => Float, { description: "The member's points in this pool; for EQUITY, its vested units." })
  weight: number;

  @Field(() => Float, { description: "The pool's basis: every member's weight summed." })
  basis: number;

  @Field(() => Float, { description: "The pool's amount this period, in cents." })
  poolAmountCents: number;

  @Field(() => Float, { description: "The pool's share of patronage, in basis points (from the frozen parameters)." })
  poolBps: number;

  @Field(() => Float, { description: "The member's amount from this pool, in cents (largest remainder)." })
  amountCents: number;
}

@ObjectType('CoopAllocation', {
  description: "A member's patronage in one closed period, as its published result says.",
})
export class CoopAllocationModel {
  @Field({ description: 'The period id, e.g. 2026-11.' })
  periodId: string;

  @Field()
  start: Date;

  @Field()
  end: Date;

  @Field({
    description:
      "The member's id in this period's published snapshot and result: a pseudonym only this member (and the " +
      'platform) can tie to it, different in every period.',
  })
  pseudonym: string;

  // At most 32 pools (proposals are validated so), a handful in practice: leaves of the published
  // result, priced at a handful so a member's allocations page stays affordable (ADR 0020).
  @Field(() => [CoopPoolAllocationModel], { complexity: listComplexity(4) })
  pools: CoopPoolAllocationModel[];

  @Field(() => Float, { description: 'The allocation (sum over pools), in cents.' })
  allocationCents: number;

  @Field(() => Float, { description: 'Its cash part, in cents.' })
  cashCents: number;

  @Field(() => Float, { description: 'Its retained part (capital account, this vintage), in cents.' })
  retainedCents: number;

  @Field(() => Float, { description: 'Units issued for the period (they vest later).' })
  units: number;

  /** The cursor (period seq). Not a GraphQL field. */
  seq: number;
}

export const CoopAllocationConnection = ConnectionType(CoopAllocationModel, 'CoopAllocation');
