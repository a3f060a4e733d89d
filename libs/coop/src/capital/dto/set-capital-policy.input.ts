import { Field, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, MaxLength } from 'class-validator';

/** The board's revolving period and minimum payout; absent fields keep their value. */
@InputType()
export class SetCapitalPolicyInput {
  @Field(() => Int, { nullable: true, description: 'Periods after which a vintage is redeemed (bylaws: 1–240).' })
  @IsOptional()
  @IsInt()
  revolvingPeriods?: number;

  @Field(() => Int, { nullable: true, description: 'Minimum payout in cents (bylaws: 0–100000).' })
  @IsOptional()
  @IsInt()
  minPayoutCents?: number;

  @Field({ nullable: true, description: 'Why: shown with the policy.' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}
