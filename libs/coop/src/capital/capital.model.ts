import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '@guildhall/core';

@ObjectType('CapitalPolicy', {
  description: "The board's revolving period and minimum payout (the bylaws' defaults until it sets them).",
})
export class CapitalPolicyModel {
  @Field(() => Int, { description: 'A vintage is redeemed once this many periods have closed after it.' })
  revolvingPeriods: number;

  @Field(() => Int, { description: 'Members in good standing are paid once owed at least this, in cents.' })
  minPayoutCents: number;

  @Field({ description: 'Why the board set it.' })
  reason: string;

  @Field(() => Date, { nullable: true, description: 'When it was set; null for the bylaws’ defaults.' })
  setAt: Date | null;
}

@ObjectType('CoopPayout', { description: 'What one payout run paid one member.' })
export class PayoutModel {
  @Field(() => ID)
  accountId: string;

  @Field()
  handle: string;

  @Field(() => Float, { description: 'Cash patronage paid, in cents.' })
  patronageCents: number;

  @Field(() => Float, { description: 'Redemptions (membership share, revolved capital) paid, in cents.' })
  redemptionCents: number;

  @Field(() => Float)
  totalCents: number;

  @Field({ description: 'The member left (withdrawn or expelled): paid whatever the amount.' })
  finalSettlement: boolean;
}

@ObjectType('RevolvedVintage', { description: "A vintage's capital moved to the members' redemption payable." })
export class RevolvedVintageModel {
  @Field({ description: 'The period the capital was retained in.' })
  vintage: string;

  @Field(() => Int, { description: 'How many members held capital of this vintage.' })
  members: number;

  @Field(() => Float)
  amountCents: number;
}

@ObjectType('PayoutRun', {
  description:
    'The payout run after a close: vintages due revolved, then every member owed at least the minimum ' +
    '(and every member who left) paid. One per closed period.',
})
export class PayoutRunModel {
  @Field({ description: 'The latest closed period: this run pays what was owed after its close.' })
  period: string;

  @Field({ description: 'False when this period’s run had been made already: nothing was posted this time.' })
  posted: boolean;

  @Field(() => [RevolvedVintageModel], { description: 'Vintages redeemed since the period closed.' })
  revolved: RevolvedVintageModel[];

  @Field(() => [PayoutModel], { description: 'By handle.' })
  payouts: PayoutModel[];

  @Field(() => Float)
  totalCents: number;
}

@ObjectType('PayoutRunSummary', { description: 'A past payout run: when it was posted and what it paid.' })
export class PayoutRunSummaryModel {
  @Field({ description: 'The closed period whose run it was.' })
  period: string;

  @Field()
  postedAt: Date;

  @Field(() => Int, { description: 'Members paid.' })
  members: number;

  @Field(() => Float)
  totalCents: number;
}

@ObjectType('CoopPayable', { description: 'What the cooperative owes one member.' })
export class PayableModel {
  @Field(() => ID)
  accountId: string;

  @Field()
  handle: string;

  @Field({ description: 'The membership status (none: not a member).' })
  status: string;

  @Field(() => Float)
  patronageCents: number;

  @Field(() => Float)
  redemptionCents: number;

  @Field(() => Float)
  totalCents: number;

  @Field({ description: 'Whether the next payout run pays it (at least the minimum, or the member left).' })
  dueNextRun: boolean;
}

export const PayableConnection = ConnectionType(PayableModel, 'CoopPayable');
