import type { JobsOptions } from 'bullmq';

/** One activity to POST to a few inboxes (one job per batch; a failed inbox retries alone). */
export interface DeliveryPayload {
  /** For logs. */
  activityId: string;
  /** The activity, serialized once (compact JSON-LD). */
  body: string;
  /** The local account whose key signs (its keys never travel in the job). */
  senderAccountId: string;
  keyId: string;
  inboxes: string[];
  /** 0 for the first try. */
  attempt: number;
}

/**
 * Inboxes per delivery job: their POSTs run concurrently (signatures on the threadpool), so a job's
 * queue round trips, key lookup and body digest are shared by this many deliveries.
 */
export const DELIVERY_BATCH = 100;

/** Mastodon-like: 16 attempts, doubling from 15 s, capped at 12 h (about 2.7 days in all). */
export const MAX_DELIVERY_ATTEMPTS = 16;
export const retryDelayMs = (attempt: number) => Math.min(15_000 * 2 ** attempt, 12 * 3_600_000);

/** After this many failures in a row a host is marked unavailable (skipped until it talks to us). */
export const UNAVAILABLE_AFTER_FAILURES = 8;

export const DELIVERY_JOB_OPTIONS: JobsOptions = {
  // A throw means our bug, not the remote's: the batch is tried again once.
  attempts: 2,
  backoff: { type: 'fixed', delay: 30_000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 86_400, count: 1_000 },
};
