import type { JobsOptions } from 'bullmq';

/** The content lib's queue. */
export const CONTENT_QUEUE = 'content';

export const ContentJob = {
  /** Publishes one scheduled post at its time (delayed job; job id = the scheduled post's id). */
  PublishScheduledPost: 'publish-scheduled-post',
  /** Hourly: forgets `Idempotency-Key`s older than an hour. */
  PurgeIdempotencyKeys: 'purge-idempotency-keys',
} as const;

/** As Mastodon: a scheduled post is at least five minutes ahead… */
export const SCHEDULE_MIN_AHEAD_SECONDS = 5 * 60;
/** …and an account has at most 300 waiting, at most 25 of them on one (UTC) day. */
export const MAX_SCHEDULED_POSTS = 300;
export const MAX_SCHEDULED_POSTS_PER_DAY = 25;

export const PUBLISH_SCHEDULED_POST_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 30_000 },
  removeOnComplete: { age: 86_400, count: 1_000 },
  removeOnFail: { age: 7 * 86_400 },
};

export const PURGE_IDEMPOTENCY_KEYS_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 86_400, count: 100 },
  removeOnFail: { age: 7 * 86_400 },
};

export interface PublishScheduledPostPayload {
  scheduledPostId: string;
}

/** What a content job carries (the purge carries nothing). */
export type ContentJobPayload = PublishScheduledPostPayload | Record<string, never>;
