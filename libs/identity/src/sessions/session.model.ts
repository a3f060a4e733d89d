import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('Session', { description: 'A signed-in browser or GraphQL client of yours (apps are not listed).' })
export class SessionModel {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true })
  ip: string | null;

  @Field(() => String, { nullable: true })
  userAgent: string | null;

  @Field()
  createdAt: Date;

  @Field({ description: 'Updated when the session renews its access token.' })
  lastUsedAt: Date;

  @Field({ description: 'The session of the token asking.' })
  current: boolean;
}
