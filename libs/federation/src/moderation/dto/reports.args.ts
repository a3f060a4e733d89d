import { ArgsType, Field } from '@nestjs/graphql';
import { ConnectionArgs } from '@guildhall/core';
import { IsBoolean, IsOptional } from 'class-validator';

@ArgsType()
export class ReportsArgs extends ConnectionArgs {
  @Field(() => Boolean, { nullable: true, description: 'true: resolved only; false: open only; omitted: both.' })
  @IsOptional()
  @IsBoolean()
  resolved?: boolean | null;
}
