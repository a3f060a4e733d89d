import { Field, ID, InputType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsEnum,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { ListRepliesPolicyValue } from '../list.model';

/** A list's title, replies policy and exclusive flag; what is left out stays as it is (or its default). */
@InputType()
export class ListInput {
  @Field({ nullable: true, description: 'Required when creating; 1–256 characters.' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  title?: string;

  @Field(() => ListRepliesPolicyValue, { nullable: true, description: 'LIST when created without one.' })
  @IsOptional()
  @IsEnum(ListRepliesPolicyValue)
  repliesPolicy?: ListRepliesPolicyValue;

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  exclusive?: boolean;
}

/** Accounts to add to or take off a list (1–100, by id). */
@InputType()
export class ListAccountsInput {
  @Field(() => [ID])
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  accountIds: string[];
}
