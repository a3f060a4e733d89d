import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsEnum,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CreatePollInput } from '../../polls/dto/create-poll.input';
import { VisibilityModel } from '../post.model';

export const NOTE_MAX_LENGTH = 5_000;
export const ARTICLE_MAX_LENGTH = 100_000;

@InputType()
export class CreatePostInput {
  @Field({ description: `Markdown. Notes up to ${NOTE_MAX_LENGTH} characters, articles up to ${ARTICLE_MAX_LENGTH}.` })
  @IsString()
  @Length(1, ARTICLE_MAX_LENGTH)
  content: string;

  @Field(() => String, { nullable: true, description: 'A title makes the post an article.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string | null;

  @Field(() => String, { nullable: true, description: "An article's excerpt (generated when omitted)." })
  @IsOptional()
  @IsString()
  @MaxLength(1_000)
  summary?: string | null;

  @Field(() => VisibilityModel, { nullable: true, defaultValue: VisibilityModel.PUBLIC })
  @IsOptional()
  @IsEnum(VisibilityModel)
  visibility?: VisibilityModel;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  contentWarning?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 639-1, e.g. "en".' })
  @IsOptional()
  @Matches(/^[a-z]{2}$/, { message: 'language must be an ISO 639-1 code such as "en"' })
  language?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'inReplyToId must be a post id' })
  inReplyToId?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Uploaded media to attach (at most 4).' })
  @IsOptional()
  @ArrayMaxSize(4)
  @IsUUID('all', { each: true, message: 'mediaIds must be media ids' })
  mediaIds?: string[] | null;

  @Field(() => CreatePollInput, { nullable: true, description: 'A poll (notes only, not with media).' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CreatePollInput)
  poll?: CreatePollInput | null;
}
