import { Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

@InputType({ description: "A pool's share of the patronage, in basis points." })
export class PoolShareInput {
  @Field()
  @IsString()
  @MaxLength(32)
  pool: string;

  @Field(() => Int)
  @IsInt()
  bps: number;
}

/**
 * Changes to the parameters of the periods that open after adoption; absent fields keep their
 * value. The bylaws' bounds are checked by the service, which names the field it refuses.
 */
@InputType()
export class ProposeParametersInput {
  @Field({ nullable: true, description: 'Why: shown to the members who vote.' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  rationale?: string;

  @Field(() => Int, { nullable: true, description: 'Cash part of each allocation (bylaws: ≥ 2000).' })
  @IsOptional()
  @IsInt()
  cashBps?: number;

  @Field(() => Int, { nullable: true, description: 'To the indivisible reserve (bylaws: ≥ 2000).' })
  @IsOptional()
  @IsInt()
  reserveBps?: number;

  @Field(() => Int, { nullable: true, description: 'To the commons fund (reserve + commons ≤ 10000).' })
  @IsOptional()
  @IsInt()
  commonsBps?: number;

  @Field(() => [PoolShareInput], {
    nullable: true,
    description: 'Every pool and its share; they sum to 10000, EQUITY ≤ 2500 (replaces the pools whole).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @ValidateNested({ each: true })
  @Type(() => PoolShareInput)
  pools?: PoolShareInput[];

  @Field(() => Int, { nullable: true, description: 'Equity units issued per period.' })
  @IsOptional()
  @IsInt()
  unitBudget?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  minMemberAgeDays?: number;

  @Field(() => [String], { nullable: true, description: 'Hosts whose engagement counts (replaces the list).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(260, { each: true })
  federatedInstances?: string[];

  @Field(() => Int, { nullable: true, description: 'Periods after which issued units vest.' })
  @IsOptional()
  @IsInt()
  vestingPeriods?: number;

  @Field(() => Int, { nullable: true, description: 'How long the vote stays open (default 7 days).' })
  @IsOptional()
  @IsInt()
  votingDays?: number;
}
