import { ArgsType, Field } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { DomainArgs } from './domain.args';

@ArgsType()
export class BlockDomainArgs extends DomainArgs {
  @Field(() => String, { nullable: true, description: 'For the moderators; not sent anywhere.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string | null;
}
