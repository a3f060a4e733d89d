/** Deliveries of notifications to Mastodon apps' Web Push subscriptions: one job per notification and subscription. */
export const MASTODON_PUSH_QUEUE = 'mastodon-push';

export const PushJob = {
  Deliver: 'deliver',
} as const;
