import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('Relationship', { description: 'How the signed-in account and another account relate.' })
export class RelationshipModel {
  @Field({ description: 'The viewer follows the account (accepted).' })
  following: boolean;

  @Field({ description: 'The viewer asked to follow the account and awaits approval.' })
  requested: boolean;

  @Field({ description: 'The account follows the viewer (accepted).' })
  followedBy: boolean;

  @Field({ description: 'The account asked to follow the viewer and awaits approval.' })
  requestedBy: boolean;

  @Field()
  blocking: boolean;

  @Field()
  blockedBy: boolean;

  @Field()
  muting: boolean;

  @Field({ description: "The viewer hides the account's server (a domain block of their own)." })
  domainBlocking: boolean;

  /** The viewer's mute silences the account's notifications too (the Mastodon API's; not a GraphQL field). */
  mutingNotifications: boolean;

  /** The viewer's follow (or request) shows the account's boosts at home (Mastodon's `showing_reblogs`; not a GraphQL field). */
  showingReblogs: boolean;

  /** The viewer's follow asks for a notification of each new post (Mastodon's `notifying`; not a GraphQL field). */
  notifying: boolean;

  /** The languages the viewer's follow (or request) shows, null for all (Mastodon's `languages`; not a GraphQL field). */
  languages: string[] | null;
}
