import { Field, ID, InputType } from '@nestjs/graphql';
import { UUID_PATTERN } from '@guildhall/core';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import {
  MAX_BIO_LENGTH,
  MAX_DISPLAY_NAME_LENGTH,
  MAX_FIELD_NAME_LENGTH,
  MAX_FIELD_VALUE_LENGTH,
  MAX_PROFILE_FIELDS,
} from '../profile.constants';

@InputType()
export class ProfileFieldInput {
  @Field()
  @IsString()
  @MaxLength(MAX_FIELD_NAME_LENGTH, { message: `a field name is at most ${MAX_FIELD_NAME_LENGTH} characters` })
  name: string;

  @Field({ description: 'Plain text; http(s) URLs become links.' })
  @IsString()
  @MaxLength(MAX_FIELD_VALUE_LENGTH, { message: `a field value is at most ${MAX_FIELD_VALUE_LENGTH} characters` })
  value: string;
}

/** Every field is optional: what is left out stays as it is; null clears a nullable field. */
@InputType()
export class UpdateProfileInput {
  @Field(() => String, { nullable: true, description: 'Blank clears it.' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DISPLAY_NAME_LENGTH, {
    message: `displayName must be at most ${MAX_DISPLAY_NAME_LENGTH} characters`,
  })
  displayName?: string | null;

  @Field(() => String, { nullable: true, description: 'Markdown; blank clears it.' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_BIO_LENGTH, { message: `bio must be at most ${MAX_BIO_LENGTH} characters` })
  bio?: string | null;

  @Field(() => ID, { nullable: true, description: 'One of your uploads; null removes the avatar.' })
  @IsOptional()
  @Matches(UUID_PATTERN, { message: 'avatarMediaId must be a media id' })
  avatarMediaId?: string | null;

  @Field(() => ID, { nullable: true, description: 'One of your uploads; null removes the header.' })
  @IsOptional()
  @Matches(UUID_PATTERN, { message: 'headerMediaId must be a media id' })
  headerMediaId?: string | null;

  @Field(() => [ProfileFieldInput], { nullable: true, description: 'Replaces all fields; null or [] clears them.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_PROFILE_FIELDS, { message: `a profile has at most ${MAX_PROFILE_FIELDS} fields` })
  @ValidateNested({ each: true })
  @Type(() => ProfileFieldInput)
  fields?: ProfileFieldInput[] | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  manuallyApprovesFollowers?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  discoverable?: boolean | null;
}
