import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  type BlockEvent,
  ConfigService,
  DomainEvent,
  DomainEventBus,
  type EventMeta,
  EventSubscriber,
  type FollowEvent,
  type PollExpiredEvent,
  type PollVotedEvent,
  type PostDeletedEvent,
  type PostEngagementEvent,
  type PostPublishedEvent,
  type PostUpdatedEvent,
  type ProfileUpdatedEvent,
  type ReportForwardedEvent,
} from '@guildhall/core';
import type { Queue } from 'bullmq';
import { FEDERATION_OUTBOUND_QUEUE, FederationJob } from '../federation.constants';
import { OUTBOUND_JOB_OPTIONS, outboundJobId, type OutboundEventPayload } from './outbound.job';

/** The user's action waits for inline dispatch; a stuck queue must not hold it (the delivery is retried). */
const ENQUEUE_TIMEOUT_MS = 1_500;

type Unstamped = OutboundEventPayload extends infer J
  ? J extends unknown
    ? Omit<J, 'at' | 'origin' | 'eventId'>
    : never
  : never;

/**
 * Outbound federation as a bridge from domain events (TryGhost/ActivityPub's fediverse-bridge):
 * each event about a local account's action that concerns the fediverse becomes one durable job on
 * FEDERATION_OUTBOUND_QUEUE; the worker builds the activity and hands it to Fedify. The flags on
 * the events decide here, cheaply; the worker checks again against the database. Events come from
 * the outbox (ADR 0016): a failed enqueue throws and is retried; the job id is the event's, so an
 * event delivered twice is one job, and its time is the event's, so the activity id is the same.
 */
@Injectable()
export class FederationBridge implements OnModuleInit {
  private readonly origin: string;
  private readonly pollUpdateDelayMs: number;

  constructor(
    @InjectQueue(FEDERATION_OUTBOUND_QUEUE) private readonly queue: Queue<OutboundEventPayload>,
    private readonly bus: DomainEventBus,
    config: ConfigService,
  ) {
    this.origin = config.values.publicOrigin;
    this.pollUpdateDelayMs = config.values.federation.pollUpdateDelayMs;
  }

  onModuleInit(): void {
    this.bus.subscribe(EventSubscriber.FederationBridge, {
      [DomainEvent.PostPublished]: (event, meta) => this.postPublished(event, meta),
      [DomainEvent.PostUpdated]: (event, meta) => this.postUpdated(event, meta),
      [DomainEvent.PostDeleted]: (event, meta) => this.postDeleted(event, meta),
      [DomainEvent.PostLiked]: (event, meta) => this.postLiked(event, meta),
      [DomainEvent.PostUnliked]: (event, meta) => this.postUnliked(event, meta),
      [DomainEvent.PostBoosted]: (event, meta) => this.postBoosted(event, meta),
      [DomainEvent.PostUnboosted]: (event, meta) => this.postUnboosted(event, meta),
      [DomainEvent.PollVoted]: (event, meta) => this.pollVoted(event, meta),
      [DomainEvent.PollExpired]: (event, meta) => this.pollExpired(event, meta),
      [DomainEvent.FollowRequested]: (event, meta) => this.followRequested(event, meta),
      [DomainEvent.Unfollowed]: (event, meta) => this.unfollowed(event, meta),
      [DomainEvent.FollowAccepted]: (event, meta) => this.followAccepted(event, meta),
      [DomainEvent.FollowRejected]: (event, meta) => this.followRejected(event, meta),
      [DomainEvent.Blocked]: (event, meta) => this.blocked(event, meta),
      [DomainEvent.Unblocked]: (event, meta) => this.unblocked(event, meta),
      [DomainEvent.ProfileUpdated]: (event, meta) => this.profileUpdated(event, meta),
      [DomainEvent.ReportForwarded]: (event, meta) => this.reportForwarded(event, meta),
    });
  }

  postPublished(payload: PostPublishedEvent, meta: EventMeta): Promise<void> {
    return this.enqueue(payload.local === true, meta, { event: DomainEvent.PostPublished, payload });
  }

  postUpdated(payload: PostUpdatedEvent, meta: EventMeta): Promise<void> {
    return this.enqueue(payload.local === true, meta, { event: DomainEvent.PostUpdated, payload });
  }

  postDeleted(payload: PostDeletedEvent, meta: EventMeta): Promise<void> {
    return this.enqueue(payload.local === true, meta, { event: DomainEvent.PostDeleted, payload });
  }

  /** A local account's like of a remote post (likes of local posts stay here). */
  postLiked(payload: PostEngagementEvent, meta: EventMeta): Promise<void> {
    return this.enqueue(likeOfRemote(payload), meta, { event: DomainEvent.PostLiked, payload });
  }

  postUnliked(payload: PostEngagementEvent, meta: EventMeta): Promise<void> {
    return this.enqueue(likeOfRemote(payload), meta, { event: DomainEvent.PostUnliked, payload });
  }

  /** A local account's boost of any post: its remote followers see it. */
  postBoosted(payload: PostEngagementEvent, meta: EventMeta): Promise<void> {
    return this.enqueue(payload.accountLocal === true, meta, { event: DomainEvent.PostBoosted, payload });
  }

  postUnboosted(payload: PostEngagementEvent, meta: EventMeta): Promise<void> {
    return this.enqueue(payload.accountLocal === true, meta, { event: DomainEvent.PostUnboosted, payload });
  }

  /**
   * A local voter's votes on a remote poll go to its author now. New tallies of a local poll go
   * to its audience once per window (FEDERATION_POLL_UPDATE_DELAY_MS): every vote in a window
   * maps to one delayed job, whose id names the post and the window, as Mastodon's
   * DistributePollUpdateWorker waits 3 minutes. Hidden tallies are not sent before the poll ends.
   */
  pollVoted(payload: PollVotedEvent, meta: EventMeta): Promise<void> {
    if (payload.accountLocal && !payload.postLocal) {
      return this.enqueue(true, meta, { event: DomainEvent.PollVoted, payload });
    }
    if (!payload.postLocal || payload.hideTotals) return Promise.resolve();
    const window = this.pollUpdateDelayMs;
    if (window === 0) return this.enqueue(true, meta, { event: DomainEvent.PollVoted, payload });
    const windowEnd = (Math.floor(meta.occurredAt.getTime() / window) + 1) * window;
    return this.enqueue(
      true,
      meta,
      { event: DomainEvent.PollVoted, payload },
      { key: `post-${payload.postId}.${windowEnd}`, at: windowEnd, delay: Math.max(0, windowEnd - Date.now()) },
    );
  }

  /** A local poll ended: its final tallies, `closed`, go to its audience and remote voters. */
  pollExpired(payload: PollExpiredEvent, meta: EventMeta): Promise<void> {
    return this.enqueue(payload.postLocal, meta, { event: DomainEvent.PollExpired, payload });
  }

  /** A local account asks to follow a remote one (always a request until its Accept arrives). */
  followRequested(payload: FollowEvent, meta: EventMeta): Promise<void> {
    return this.enqueue(localFollowsRemote(payload), meta, { event: DomainEvent.FollowRequested, payload });
  }

  unfollowed(payload: FollowEvent, meta: EventMeta): Promise<void> {
    return this.enqueue(localFollowsRemote(payload), meta, { event: DomainEvent.Unfollowed, payload });
  }

  /** A local account approved a remote account's request (automatic accepts are the inbox's). */
  followAccepted(payload: FollowEvent, meta: EventMeta): Promise<void> {
    return this.enqueue(remoteFollowsLocal(payload), meta, { event: DomainEvent.FollowAccepted, payload });
  }

  /** A local account declined a remote request, or removed a remote follower. */
  followRejected(payload: FollowEvent, meta: EventMeta): Promise<void> {
    return this.enqueue(remoteFollowsLocal(payload), meta, { event: DomainEvent.FollowRejected, payload });
  }

  blocked(payload: BlockEvent, meta: EventMeta): Promise<void> {
    return this.enqueue(localBlocksRemote(payload), meta, { event: DomainEvent.Blocked, payload });
  }

  unblocked(payload: BlockEvent, meta: EventMeta): Promise<void> {
    return this.enqueue(localBlocksRemote(payload), meta, { event: DomainEvent.Unblocked, payload });
  }

  profileUpdated(payload: ProfileUpdatedEvent, meta: EventMeta): Promise<void> {
    return this.enqueue(payload.local === true, meta, { event: DomainEvent.ProfileUpdated, payload });
  }

  /** A member's report about a remote account, forwarded: a Flag to the account's server. */
  reportForwarded(payload: ReportForwardedEvent, meta: EventMeta): Promise<void> {
    return this.enqueue(true, meta, { event: DomainEvent.ReportForwarded, payload });
  }

  /** `window`: one job for every event of one key (its id), run after `delay`, dated `at`. */
  private async enqueue(
    wanted: boolean,
    meta: EventMeta,
    unstamped: Unstamped,
    window?: { key: string; at: number; delay: number },
  ): Promise<void> {
    if (!wanted) return;
    const job = {
      ...unstamped,
      eventId: window ? window.key : meta.id,
      at: window ? window.at : meta.occurredAt.getTime(),
      origin: this.origin,
    };
    const jobId = outboundJobId(job);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.queue.add(FederationJob.Outbound, job, { ...OUTBOUND_JOB_OPTIONS, jobId, delay: window?.delay }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`enqueue took over ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

const likeOfRemote = (e: PostEngagementEvent) => e.accountLocal === true && e.postLocal === false;
const localFollowsRemote = (e: FollowEvent) => e.followerLocal === true && e.followeeLocal === false;
const remoteFollowsLocal = (e: FollowEvent) => e.followerLocal === false && e.followeeLocal === true;
const localBlocksRemote = (e: BlockEvent) => e.accountLocal === true && e.targetLocal === false;
