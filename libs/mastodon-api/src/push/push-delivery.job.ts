import type { JobsOptions } from 'bullmq';

/** One notification to push to one subscription. */
export interface PushDeliveryPayload {
  notificationId: string;
  subscriptionId: string;
  /** Mastodon's notification type (`favourite`, `follow`…). */
  type: string;
  accountId: string;
  fromAccountId: string;
  postId: string | null;
}

/**
 * A push service that is down or throttling (429, 5xx, no connection) is tried again with
 * exponential backoff, about 40 minutes in all; anything else ends the job (see PushDelivery).
 */
export const PUSH_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 10_000 },
  // A finished job is kept a day: its id then also deduplicates an event delivered again.
  removeOnComplete: { age: 86_400, count: 10_000 },
  removeOnFail: { age: 7 * 86_400, count: 10_000 },
};

/** Idempotent: a notification goes once to a subscription. BullMQ refuses `:` in custom ids. */
export function pushJobId(payload: Pick<PushDeliveryPayload, 'notificationId' | 'subscriptionId'>): string {
  return `push.${payload.notificationId}.${payload.subscriptionId}`;
}
