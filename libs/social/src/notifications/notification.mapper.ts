import { NotificationType, type NotificationEntity } from './notification.entity';
import { NotificationKind, type NotificationModel } from './notification.model';

const KINDS: Record<NotificationType, NotificationKind> = {
  [NotificationType.Follow]: NotificationKind.FOLLOW,
  [NotificationType.FollowRequest]: NotificationKind.FOLLOW_REQUEST,
  [NotificationType.Mention]: NotificationKind.MENTION,
  [NotificationType.Reply]: NotificationKind.REPLY,
  [NotificationType.Like]: NotificationKind.LIKE,
  [NotificationType.Boost]: NotificationKind.BOOST,
  [NotificationType.Poll]: NotificationKind.POLL,
  [NotificationType.Status]: NotificationKind.STATUS,
  [NotificationType.Update]: NotificationKind.UPDATE,
  [NotificationType.AdminSignUp]: NotificationKind.ADMIN_SIGN_UP,
  [NotificationType.AdminReport]: NotificationKind.ADMIN_REPORT,
};

/** The subscription channel of one recipient: a subscriber only ever listens to its own. */
export function notificationChannel(accountId: string): string {
  return `notifications:${accountId}`;
}

/** What goes over the pub/sub channel: JSON-safe (Redis carries it between processes). */
export interface NotificationMessage {
  id: string;
  accountId: string;
  type: NotificationType;
  fromAccountId: string;
  postId: string | null;
  createdAt: string;
}

type NotificationRow = Pick<NotificationEntity, 'id' | 'type' | 'fromAccountId' | 'postId' | 'readAt' | 'createdAt'>;

export function toNotificationModel(row: NotificationRow): NotificationModel {
  return {
    id: row.id,
    type: KINDS[row.type],
    read: row.readAt !== null,
    createdAt: row.createdAt,
    fromAccountId: row.fromAccountId,
    postId: row.postId,
  };
}

export function toNotificationMessage(row: NotificationEntity): NotificationMessage {
  return {
    id: row.id,
    accountId: row.accountId,
    type: row.type,
    fromAccountId: row.fromAccountId,
    postId: row.postId,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A message just published is about a new, unread notification. */
export function fromNotificationMessage(message: NotificationMessage): NotificationModel {
  return toNotificationModel({ ...message, readAt: null, createdAt: new Date(message.createdAt) });
}
