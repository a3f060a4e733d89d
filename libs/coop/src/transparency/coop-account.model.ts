import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('CapitalVintage', { description: "Retained patronage of one period in a member's capital account." })
export class CapitalVintageModel {
  @Field({ description: 'The period the patronage was retained in, e.g. 2026-11.' })
  vintage: string;

  @Field(() => Float, { description: 'The balance of this vintage, in cents (0 once redeemed).' })
  balanceCents: number;

  @Field(() => Float, { description: 'Patronage retained in this vintage, in cents.' })
  retainedCents: number;

  @Field(() => Float, { description: 'Redeemed (revolved to redemption payable) so far, in cents.' })
  redeemedCents: number;

  @Field(() => Int, {
    nullable: true,
    description:
      'Closes left until the vintage revolves under the current capital policy (0: at the next payout ' +
      'run); null once redeemed. A member who left keeps its vintages on this same schedule.',
  })
  periodsUntilRevolved: number | null;
}

@ObjectType('CoopUnits', { description: 'Member shares (units), from the units ledger.' })
export class CoopUnitsModel {
  @Field(() => Float, { description: 'Vested units: they count for the EQUITY pool and governance weight.' })
  vested: number;

  @Field(() => Float, { description: 'Issued units that vest in a later close.' })
  unvested: number;

  @Field(() => Float, { description: 'Units retired on withdrawal or expulsion.' })
  retired: number;
}

@ObjectType('CoopAccount', {
  description: "What a member owns in the cooperative, recomputed from the ledger's postings.",
})
export class CoopAccountModel {
  @Field({ description: 'pending, active, inactive, suspended, withdrawn or expelled.' })
  status: string;

  @Field(() => Date, { nullable: true, description: 'When it was admitted.' })
  joinedAt: Date | null;

  @Field(() => Float, { description: 'The membership share paid in at par, in cents.' })
  sharePaidCents: number;

  @Field(() => CoopUnitsModel)
  units: CoopUnitsModel;

  @Field(() => [CapitalVintageModel], {
    description: 'The capital account by vintage, oldest first: every vintage retained in, redeemed ones too.',
  })
  capital: CapitalVintageModel[];

  @Field(() => Float, { description: 'The capital account in total, in cents.' })
  capitalCents: number;

  @Field(() => Float, { description: 'Patronage allocated in cash over all closed periods, in cents.' })
  cashAllocatedCents: number;

  @Field(() => Float, { description: 'Cash patronage paid out so far, in cents.' })
  cashPaidCents: number;

  @Field(() => Float, { description: 'Cash patronage allocated and not paid out yet (patronage payable), in cents.' })
  cashPayableCents: number;

  @Field(() => Float, { description: 'Redemptions (membership share, capital) payable, in cents.' })
  redemptionPayableCents: number;

  @Field(() => Float, { description: 'Redemptions (membership share, revolved capital) paid out so far, in cents.' })
  redemptionPaidCents: number;

  @Field(() => Float, {
    description:
      'Everything payable (cash patronage and redemptions), in cents: paid by a payout run once it reaches the minimum payout, or in any amount after leaving.',
  })
  payableCents: number;

  @Field(() => Float, { description: 'Everything payout runs paid so far (cash patronage and redemptions), in cents.' })
  paidOutCents: number;
}
