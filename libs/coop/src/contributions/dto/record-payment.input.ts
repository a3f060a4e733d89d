import { Field, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

@InputType({ description: 'Money the cooperative received (revenue) or spent (a cost), in cents.' })
export class RecordPaymentInput {
  @Field(() => Int, { description: 'Cents, > 0.' })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  amountCents: number;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  memo?: string;

  @Field({ nullable: true, description: 'The paying member (revenue only): also their SPENT contribution.' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  memberHandle?: string;

  @Field({ nullable: true, description: "The provider's payment id: recording it again changes nothing." })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  paymentId?: string;
}
