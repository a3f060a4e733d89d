import type { DomainEventName, DomainEventPayloads } from '@guildhall/core';
import type { JobsOptions } from 'bullmq';

/** The domain events the outbound bridge federates. */
export const OUTBOUND_EVENTS = [
  'post.published',
  'post.updated',
  'post.deleted',
  'post.liked',
  'post.unliked',
  'post.boosted',
  'post.unboosted',
  'account.follow-requested',
  'account.unfollowed',
  'account.follow-accepted',
  'account.follow-rejected',
  'account.blocked',
  'account.unblocked',
  'account.profile-updated',
] as const satisfies readonly DomainEventName[];

export type OutboundEventName = (typeof OUTBOUND_EVENTS)[number];

/** One domain event to turn into an activity, as the bridge enqueued it. */
export type OutboundEventPayload = {
  [E in OutboundEventName]: {
    event: E;
    payload: DomainEventPayloads[E];
    /** When the bridge saw the event (ms): ids of activities with no row of their own derive from it. */
    at: number;
    /** PUBLIC_ORIGIN of the process that enqueued it: another origin's job is not ours to sign. */
    origin: string;
  };
}[OutboundEventName];

/**
 * Building and handing an activity to Fedify is quick and local; Fedify's own queue retries the
 * deliveries. These attempts cover a database or queue hiccup while building.
 */
export const OUTBOUND_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  // A finished job is dropped at once: its id then deduplicates only while it waits or runs, so a
  // later action that happens to derive the same id (a follow requested again) still goes out.
  removeOnComplete: true,
  removeOnFail: { age: 7 * 86_400, count: 10_000 },
};

/**
 * The job id: the event and the ids of what it is about, so a repeated enqueue of the same event
 * is one job. BullMQ refuses `:` in custom ids.
 */
export function outboundJobId(job: OutboundEventPayload): string {
  const key = ((): string[] => {
    switch (job.event) {
      case 'post.published':
      case 'post.deleted':
        return [job.payload.postId];
      case 'post.updated':
        return [job.payload.postId, String(job.at)];
      case 'post.liked':
      case 'post.unliked':
      case 'post.boosted':
      case 'post.unboosted':
        return [job.payload.engagementId];
      case 'account.follow-requested':
      case 'account.unfollowed':
      case 'account.follow-accepted':
      case 'account.follow-rejected':
        return [job.payload.followId];
      case 'account.blocked':
      case 'account.unblocked':
        return [job.payload.blockId ?? `${job.payload.accountId}-${job.payload.targetId}`];
      case 'account.profile-updated':
        return [job.payload.accountId, String(job.at)];
    }
  })();
  return [job.event, ...key].join('.');
}
