import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@guildhall/core';

export enum VisibilityModel {
  PUBLIC = 'public',
  UNLISTED = 'unlisted',
  FOLLOWERS = 'followers',
  DIRECT = 'direct',
}

registerEnumType(VisibilityModel, {
  name: 'Visibility',
  description:
    'PUBLIC: everyone, in public timelines. UNLISTED: everyone, not in public timelines. ' +
    'FOLLOWERS: followers and mentioned accounts. DIRECT: mentioned accounts only.',
});

/**
 * A note, an article (it has a title) or a boost (boostOf is set). Relations (author, inReplyTo,
 * boostOf, media, …) are field resolvers backed by per-request DataLoaders.
 */
@ObjectType('Post')
export class PostModel {
  @Field(() => ID)
  id: string;

  @Field({ description: 'The ActivityPub id.' })
  uri: string;

  @Field({ description: 'The HTML page.' })
  url: string;

  @Field(() => String, { nullable: true, description: 'Set for articles.' })
  title: string | null;

  @Field({ description: 'Sanitized HTML.' })
  content: string;

  @Field(() => String, { nullable: true, description: "An article's excerpt." })
  summary: string | null;

  @Field(() => String, { nullable: true })
  contentWarning: string | null;

  @Field({ description: 'True when the post has a content warning.' })
  sensitive: boolean;

  @Field(() => String, { nullable: true, description: 'ISO 639-1.' })
  language: string | null;

  @Field(() => VisibilityModel)
  visibility: VisibilityModel;

  @Field()
  isArticle: boolean;

  @Field(() => Int)
  likesCount: number;

  @Field(() => Int)
  boostsCount: number;

  @Field(() => Int)
  repliesCount: number;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;

  @Field(() => Date, { nullable: true })
  editedAt: Date | null;

  /** Not in the schema: for field resolvers. */
  accountId: string;
  inReplyToId: string | null;
  boostOfId: string | null;
  source: string | null;
}

@ObjectType('PostEdit', { description: 'A previous version of an edited post.' })
export class PostEditModel {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true })
  title: string | null;

  @Field()
  content: string;

  @Field(() => String, { nullable: true })
  summary: string | null;

  @Field(() => String, { nullable: true })
  contentWarning: string | null;

  @Field(() => [String], {
    nullable: true,
    description: "The poll's options in this version; null when it had none (or for edits made before they were kept).",
  })
  pollOptions: string[] | null;

  @Field({ description: 'When this version was published.' })
  createdAt: Date;
}

export const PostConnection = ConnectionType(PostModel, 'Post');
