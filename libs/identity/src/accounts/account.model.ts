import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

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

  @Field(() => Int, { description: 'Local and remote followers.' })
  followersCount: number;

  @Field(() => Int, { description: 'Accepted follows of this account.' })
  followingCount: number;

  @Field()
  createdAt: Date;
}
