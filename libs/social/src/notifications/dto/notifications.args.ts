import { ArgsType, Field } from '@nestjs/graphql';
import { ConnectionArgs } from '@guildhall/core';
import { IsBoolean, IsOptional } from 'class-validator';

@ArgsType()
export class NotificationsArgs extends ConnectionArgs {
  @Field({ nullable: true, defaultValue: false, description: 'Only notifications not yet read.' })
  @IsOptional()
  @IsBoolean()
  unreadOnly: boolean = false;
}
