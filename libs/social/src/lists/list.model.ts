import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ListRepliesPolicy, type ListEntity } from './list.entity';

/** GraphQL enum values are upper case; the column keeps ListRepliesPolicy's lower-case values. */
export enum ListRepliesPolicyValue {
  FOLLOWED = 'followed',
  LIST = 'list',
  NONE = 'none',
}

registerEnumType(ListRepliesPolicyValue, {
  name: 'ListRepliesPolicy',
  description:
    "Which members' replies to others the list shows: to accounts you follow (FOLLOWED), to members (LIST), none (NONE).",
});

@ObjectType('List', { description: 'One of your private lists of accounts you follow.' })
export class ListModel {
  @Field(() => ID)
  id: string;

  @Field()
  title: string;

  @Field(() => ListRepliesPolicyValue)
  repliesPolicy: ListRepliesPolicyValue;

  @Field({ description: "Members' posts show in this list only, not in your HOME timeline." })
  exclusive: boolean;
}

const VALUES: Record<ListRepliesPolicy, ListRepliesPolicyValue> = {
  [ListRepliesPolicy.Followed]: ListRepliesPolicyValue.FOLLOWED,
  [ListRepliesPolicy.List]: ListRepliesPolicyValue.LIST,
  [ListRepliesPolicy.None]: ListRepliesPolicyValue.NONE,
};

export function toListModel(list: ListEntity): ListModel {
  return { id: list.id, title: list.title, repliesPolicy: VALUES[list.repliesPolicy], exclusive: list.exclusive };
}
