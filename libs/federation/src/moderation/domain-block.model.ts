import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('DomainBlock', {
  description:
    'A server (and its subdomains) this one refuses: its requests are answered 403, nothing is fetched ' +
    'from or delivered to it, and what was stored from it was removed.',
})
export class DomainBlockModel {
  @Field({ description: 'host or host:port, lower-case.' })
  domain: string;

  @Field(() => String, { nullable: true })
  reason: string | null;

  @Field()
  createdAt: Date;

  /** The moderator's account, for `createdBy`. Not a GraphQL field. */
  createdById: string | null;
}
