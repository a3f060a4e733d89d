import type { JobsOptions } from 'bullmq';

export interface CleanupSessionsPayload {
  /** When an on-demand cleanup was asked for (absent for scheduled runs). */
  requestedAt?: string;
}

export const CLEANUP_SESSIONS_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 86_400, count: 1_000 },
  removeOnFail: { age: 7 * 86_400 },
};
