import type { JobsOptions } from 'bullmq';

export const GOVERNANCE_QUEUE = 'coop-governance';

export const GovernanceJob = {
  /** Decides the proposals whose voting window has passed: every minute. */
  CloseDue: 'close-due',
} as const;

/** How often the sweep runs: a proposal is decided at most this long after its window closes. */
export const CLOSE_DUE_EVERY_MS = 60_000;

export const CLOSE_DUE_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 3_600, count: 100 },
  removeOnFail: { age: 7 * 86_400 },
};
