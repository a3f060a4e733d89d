import type { JobsOptions } from 'bullmq';
import { ModerationJob } from './moderation.constants';

/** One run of the purge of a block: the job id is derived from both fields. */
export interface DomainPurgePayload {
  domain: string;
  /** DomainBlockEntity.purgeRun when it was enqueued; a newer run (or no block) stops this one. */
  run: number;
}

/**
 * A failed attempt loses nothing (each batch committed alone, purged rows are gone), so retries
 * continue where it stopped: 8 attempts from 10 s, doubling (about 21 minutes in all).
 */
export const DOMAIN_PURGE_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: true,
  removeOnFail: { age: 30 * 86_400 },
};

/** One job per domain and run: enqueueing the same run twice is one job. BullMQ refuses `:` in ids. */
export function domainPurgeJobId({ domain, run }: DomainPurgePayload): string {
  return [ModerationJob.PurgeDomain, encodeURIComponent(domain), run].join('.');
}
