import { Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export const MAX_REPORTED_POSTS = 20;

@InputType()
export class ReportInput {
  @Field({ description: 'The account reported: "alice" or "alice@host".' })
  @IsString()
  @MaxLength(300)
  handle: string;

  @Field(() => [ID], { nullable: true, description: `Up to ${MAX_REPORTED_POSTS} of its posts.` })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_REPORTED_POSTS)
  @IsUUID('all', { each: true })
  postIds?: string[] | null;

  @Field({ description: 'Why, for the moderators (may be empty).' })
  @IsString()
  @MaxLength(1000)
  comment: string;
}
