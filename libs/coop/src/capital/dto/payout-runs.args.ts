import { ArgsType, Field, Int } from '@nestjs/graphql';
import { IsInt, Max, Min } from 'class-validator';

export const MAX_PAYOUT_RUNS = 100;

@ArgsType()
export class PayoutRunsArgs {
  @Field(() => Int, { defaultValue: 20, description: `1 to ${MAX_PAYOUT_RUNS}` })
  @IsInt()
  @Min(1)
  @Max(MAX_PAYOUT_RUNS)
  first: number = 20;
}
