import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@guildhall/core';

/** What a moderator does with a report. */
export enum ReportAction {
  DISMISS = 'DISMISS',
  SUSPEND_ACCOUNT = 'SUSPEND_ACCOUNT',
}

registerEnumType(ReportAction, {
  name: 'ReportAction',
  valuesMap: {
    DISMISS: { description: 'Close the report without acting.' },
    SUSPEND_ACCOUNT: { description: 'Suspend the reported account, then close the report.' },
  },
});

@ObjectType('Report', { description: 'An account (and some of its posts) reported to the moderators.' })
export class ReportModel {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Why, in the reporter’s words (may be empty).' })
  comment: string;

  @Field(() => String, { nullable: true, description: 'The server a remote report came from; null for a local one.' })
  sourceDomain: string | null;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'Null while the report is open.' })
  resolvedAt: Date | null;

  /** For the `targetAccount`, `reporter`, `resolvedBy` and `posts` fields. Not GraphQL fields. */
  targetAccountId: string;
  reporterId: string | null;
  resolvedById: string | null;
  postIds: string[];
}

export const ReportConnection = ConnectionType(ReportModel, 'Report');
