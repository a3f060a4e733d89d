import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { listComplexity } from '@guildhall/core';

@ObjectType('ProfileField', { description: 'A name/value pair shown on a profile.' })
export class ProfileFieldModel {
  @Field({ description: 'Plain text.' })
  name: string;

  @Field({ description: 'Sanitized HTML (links are clickable).' })
  value: string;
}

@ObjectType('Account', { description: 'A member of this server or of another ActivityPub server.' })
export class AccountModel {
  @Field(() => ID)
  id: string;

  @Field({ description: '"alice" for a local account, "alice@host" for a remote one.' })
  handle: string;

  @Field(() => String, { nullable: true })
  displayName: string | null;

  @Field({ description: 'The ActivityPub id of the actor.' })
  uri: string;

  @Field({ description: 'The HTML profile page.' })
  url: string;

  @Field({ description: 'Whether the account lives on this server.' })
  local: boolean;

  @Field(() => String, { nullable: true, description: 'The bio as sanitized HTML.' })
  bio: string | null;

  @Field(() => String, { nullable: true })
  avatarUrl: string | null;

  @Field(() => String, { nullable: true })
  headerUrl: string | null;

  // Local profiles have at most 4 (remote ones up to 8): leaves, priced at the local bound.
  @Field(() => [ProfileFieldModel], { complexity: listComplexity(4) })
  fields: ProfileFieldModel[];

  @Field({ description: 'Follow requests must be approved.' })
  manuallyApprovesFollowers: boolean;

  @Field({ description: 'Whether the account may be featured in directories and suggestions.' })
  discoverable: boolean;

  @Field(() => Int)
  postsCount: number;

  @Field(() => Int, { description: 'Local and remote followers.' })
  followersCount: number;

  @Field(() => Int, { description: 'Accepted follows of this account.' })
  followingCount: number;

  @Field()
  createdAt: Date;
}
