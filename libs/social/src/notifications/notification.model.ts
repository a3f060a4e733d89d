import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '@guildhall/core';

/** The GraphQL names of NotificationType; the values are the stored ones, so both map 1:1. */
export enum NotificationKind {
  FOLLOW = 'follow',
  FOLLOW_REQUEST = 'follow_request',
  MENTION = 'mention',
  REPLY = 'reply',
  LIKE = 'like',
  BOOST = 'boost',
  POLL = 'poll',
  STATUS = 'status',
  UPDATE = 'update',
  ADMIN_SIGN_UP = 'admin.sign_up',
  ADMIN_REPORT = 'admin.report',
}

registerEnumType(NotificationKind, {
  name: 'NotificationType',
  valuesMap: {
    FOLLOW: { description: 'Someone followed you.' },
    FOLLOW_REQUEST: { description: 'Someone asked to follow you.' },
    MENTION: { description: 'Someone mentioned you in a post.' },
    REPLY: { description: 'Someone replied to your post.' },
    LIKE: { description: 'Someone liked your post.' },
    BOOST: { description: 'Someone boosted your post.' },
    POLL: { description: 'A poll you voted in, or your own, ended (from: its author).' },
    STATUS: { description: 'An account you follow with notifications on posted.' },
    UPDATE: { description: 'A post you boosted was edited (from: its author).' },
    ADMIN_SIGN_UP: { description: 'Staff: an account signed up here (from: the new account).' },
    ADMIN_REPORT: { description: 'Staff: a report was filed (from: the reporter).' },
  },
});

@ObjectType('Notification', { description: 'Something another account did that concerns you.' })
export class NotificationModel {
  @Field(() => ID)
  id: string;

  @Field(() => NotificationKind)
  type: NotificationKind;

  @Field()
  read: boolean;

  @Field()
  createdAt: Date;

  /** Who acted: resolved to `account` through the account loader. Not a GraphQL field. */
  fromAccountId: string;

  /** The post concerned, for the `post` field that libs/content resolves. Not a GraphQL field. */
  postId: string | null;
}

export const NotificationConnection = ConnectionType(NotificationModel, 'Notification');
