import type { PubSubEngine } from 'graphql-subscriptions';
import { within } from './subscriptions';

/** Operations and helpers for the notification tests. */
export const NOTIFICATIONS = /* GraphQL */ `
  query Notifications($first: Int, $after: String, $unreadOnly: Boolean) {
    notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
      edges {
        cursor
        node {
          id
          type
          read
          createdAt
          account {
            id
            handle
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
export const UNREAD = 'query { unreadNotificationsCount }';
export const MARK_ALL = 'mutation Mark($upTo: ID) { markNotificationsRead(upTo: $upTo) }';
export const MARK_ONE = 'mutation MarkOne($id: ID!) { markNotificationRead(id: $id) }';
export const NOTIFICATION_ADDED = /* GraphQL */ `
  subscription {
    notificationAdded {
      id
      type
      read
      account {
        id
        handle
      }
    }
  }
`;

export interface NotificationNode {
  id: string;
  type: string;
  read: boolean;
  createdAt: string;
  account: { id: string; handle: string };
}
export interface NotificationPage {
  notifications: {
    edges: { cursor: string; node: NotificationNode }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

/** Resolves once `engine` has subscribed to a recipient's channel: a publish after that is not lost. */
export function subscribedTo(engine: PubSubEngine, accountId: string): Promise<void> {
  const original = engine.subscribe.bind(engine);
  const spy = jest.spyOn(engine, 'subscribe');
  return within(
    new Promise<void>((resolve) => {
      spy.mockImplementation(async (...args: Parameters<PubSubEngine['subscribe']>) => {
        const id = await original(...args);
        if (args[0] === `notifications:${accountId}`) {
          spy.mockRestore();
          resolve();
        }
        return id;
      });
    }),
    5_000,
    'server-side subscription',
  );
}
