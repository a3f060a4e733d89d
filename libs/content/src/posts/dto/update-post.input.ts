import { Field, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { CreatePollInput } from '../../polls/dto/create-poll.input';
import { ARTICLE_MAX_LENGTH } from './create-post.input';

/** What an edit may change. Visibility and the reply target stay as published. */
@InputType()
export class UpdatePostInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, ARTICLE_MAX_LENGTH)
  content?: string | null;

  @Field(() => String, { nullable: true, description: 'Only for articles.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1_000)
  summary?: string | null;

  @Field(() => String, { nullable: true, description: 'An empty string removes the warning.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  contentWarning?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^[a-z]{2}$/, { message: 'language must be an ISO 639-1 code such as "en"' })
  language?: string | null;

  @Field(() => CreatePollInput, {
    nullable: true,
    description:
      "Replaces the note's poll (or adds one); its votes are void when the options or `multiple` change, and it ends `expiresIn` seconds after the edit. Absent: the poll stays as it is.",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => CreatePollInput)
  poll?: CreatePollInput | null;
}
