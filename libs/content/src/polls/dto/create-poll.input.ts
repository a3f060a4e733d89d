import { Field, InputType, Int } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { POLL_LIMITS } from '../poll.constants';

@InputType({ description: 'A poll on a note (not on an article, not beside media).' })
export class CreatePollInput {
  @Field(() => [String], {
    description: `${POLL_LIMITS.minOptions} to ${POLL_LIMITS.maxOptions} distinct options of at most ${POLL_LIMITS.maxCharactersPerOption} characters.`,
  })
  @IsArray()
  @ArrayMinSize(POLL_LIMITS.minOptions)
  @ArrayMaxSize(POLL_LIMITS.maxOptions)
  @IsString({ each: true })
  // The exact limit counts characters as people see them (PollService); this bounds the input.
  @MaxLength(POLL_LIMITS.maxCharactersPerOption * 8, { each: true })
  options: string[];

  @Field(() => Int, {
    description: `Seconds until voting ends: ${POLL_LIMITS.minExpiration} to ${POLL_LIMITS.maxExpiration}.`,
  })
  @IsInt()
  @Min(POLL_LIMITS.minExpiration)
  @Max(POLL_LIMITS.maxExpiration)
  expiresIn: number;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Allow several choices.' })
  @IsOptional()
  @IsBoolean()
  multiple?: boolean | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Hide the tallies until it ends.' })
  @IsOptional()
  @IsBoolean()
  hideTotals?: boolean | null;
}
