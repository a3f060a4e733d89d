import { type DomainEventPayloads, EVENT_SUBSCRIPTIONS, EventSubscriber } from '@guildhall/core';
import type { JobsOptions } from 'bullmq';

/** The domain events the outbound bridge federates (its row of the subscription table). */
export const OUTBOUND_EVENTS = EVENT_SUBSCRIPTIONS[EventSubscriber.FederationBridge];

export type OutboundEventName = (typeof OUTBOUND_EVENTS)[number];

/** One domain event to turn into an activity, as the bridge enqueued it. */
export type OutboundEventPayload = {
  [E in OutboundEventName]: {
    event: E;
    payload: DomainEventPayloads[E];
    /**
     * The outbox event's id: the job's id, so a re-delivered event is one job. For a local poll's
     * debounced Update, the post and window instead (every vote in the window is that one job).
     */
    eventId: string;
    /** When the event happened (ms): ids of activities with no row of their own derive from it. */
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
  // A finished job is kept for an hour: its id (the outbox event's) then also deduplicates an
  // event delivered again after its job ran (the process died before recording the delivery).
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 86_400, count: 10_000 },
};

/** The job id: the outbox event's id, one per event whatever it is about. BullMQ refuses `:` in custom ids. */
export function outboundJobId(job: OutboundEventPayload): string {
  return `${job.event}.event-${job.eventId}`;
}
