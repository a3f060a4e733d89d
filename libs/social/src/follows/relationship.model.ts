import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('Relationship', { description: 'How the signed-in account and another account relate.' })
export class RelationshipModel {
  @Field({ description: 'The viewer follows the account (accepted).' })
  following: boolean;

  @Field({ description: 'The viewer asked to follow the account and awaits approval.' })
  requested: boolean;

  @Field({ description: 'The account follows the viewer (accepted).' })
  followedBy: boolean;

  @Field()
  blocking: boolean;

  @Field()
  blockedBy: boolean;

  @Field()
  muting: boolean;
}
