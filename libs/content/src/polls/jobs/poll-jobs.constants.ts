import type { JobsOptions } from 'bullmq';

export const POLLS_QUEUE = 'polls';

export const PollJob = {
  /** Closes polls that ended (notifications, the final Update): every minute. */
  CloseExpired: 'close-expired',
} as const;

/** How often the sweep runs: a poll's end is processed at most this late. */
export const CLOSE_EXPIRED_EVERY_MS = 60_000;

export const CLOSE_EXPIRED_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 3_600, count: 100 },
  removeOnFail: { age: 7 * 86_400 },
};
