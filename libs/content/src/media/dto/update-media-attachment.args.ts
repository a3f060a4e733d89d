import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { MAX_ALT_TEXT_LENGTH } from '../media.constants';

@ArgsType()
export class UpdateMediaAttachmentArgs {
  @Field(() => ID)
  @IsString()
  @MaxLength(64, { message: 'id must be a media id' })
  id: string;

  @Field(() => String, { nullable: true, description: 'The new description; null or blank removes it.' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_ALT_TEXT_LENGTH, { message: `altText must be at most ${MAX_ALT_TEXT_LENGTH} characters` })
  altText?: string | null;
}
