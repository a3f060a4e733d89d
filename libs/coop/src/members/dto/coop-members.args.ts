import { ArgsType, Field } from '@nestjs/graphql';
import { ConnectionArgs } from '@guildhall/core';
import { ArrayMaxSize, IsIn, IsOptional } from 'class-validator';
import { COOP_MEMBER_STATUSES, type CoopMemberStatus } from '../coop-member.entity';

@ArgsType()
export class CoopMembersArgs extends ConnectionArgs {
  @Field(() => [String], {
    nullable: true,
    description: 'Only these statuses (pending, active, inactive, suspended, withdrawn, expelled); omitted: all.',
  })
  @IsOptional()
  @ArrayMaxSize(COOP_MEMBER_STATUSES.length)
  @IsIn(COOP_MEMBER_STATUSES, { each: true })
  status?: CoopMemberStatus[] | null;
}
