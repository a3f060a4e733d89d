import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import {
  type BlockEvent,
  ConfigService,
  DomainEvent,
  type FollowEvent,
  type PostDeletedEvent,
  type PostEngagementEvent,
  type PostPublishedEvent,
  type PostUpdatedEvent,
  type ProfileUpdatedEvent,
} from '@guildhall/core';
import type { Queue } from 'bullmq';
import { FEDERATION_OUTBOUND_QUEUE, FederationJob } from '../federation.constants';
import { OUTBOUND_JOB_OPTIONS, outboundJobId, type OutboundEventPayload } from './outbound.job';

/** The user's action waits for the enqueue (the bus awaits listeners); a stuck queue must not hold it. */
const ENQUEUE_TIMEOUT_MS = 1_500;

type Unstamped = OutboundEventPayload extends infer J ? (J extends unknown ? Omit<J, 'at' | 'origin'> : never) : never;

/**
 * Outbound federation as a bridge from domain events (TryGhost/ActivityPub's fediverse-bridge):
 * each event about a local account's action that concerns the fediverse becomes one durable job on
 * FEDERATION_OUTBOUND_QUEUE; the worker builds the activity and hands it to Fedify. The flags on
 * the events decide here, cheaply; the worker checks again against the database. Listeners never
 * throw into the action that published the event.
 */
@Injectable()
export class FederationBridge {
  private readonly logger = new Logger(FederationBridge.name);
  private readonly origin: string;

  constructor(
    @InjectQueue(FEDERATION_OUTBOUND_QUEUE) private readonly queue: Queue<OutboundEventPayload>,
    config: ConfigService,
  ) {
    this.origin = config.values.publicOrigin;
  }

  @OnEvent(DomainEvent.PostPublished)
  postPublished(payload: PostPublishedEvent): Promise<void> {
    return this.enqueue(payload.local === true, { event: DomainEvent.PostPublished, payload });
  }

  @OnEvent(DomainEvent.PostUpdated)
  postUpdated(payload: PostUpdatedEvent): Promise<void> {
    return this.enqueue(payload.local === true, { event: DomainEvent.PostUpdated, payload });
  }

  @OnEvent(DomainEvent.PostDeleted)
  postDeleted(payload: PostDeletedEvent): Promise<void> {
    return this.enqueue(payload.local === true, { event: DomainEvent.PostDeleted, payload });
  }

  /** A local account's like of a remote post (likes of local posts stay here). */
  @OnEvent(DomainEvent.PostLiked)
  postLiked(payload: PostEngagementEvent): Promise<void> {
    return this.enqueue(likeOfRemote(payload), { event: DomainEvent.PostLiked, payload });
  }

  @OnEvent(DomainEvent.PostUnliked)
  postUnliked(payload: PostEngagementEvent): Promise<void> {
    return this.enqueue(likeOfRemote(payload), { event: DomainEvent.PostUnliked, payload });
  }

  /** A local account's boost of any post: its remote followers see it. */
  @OnEvent(DomainEvent.PostBoosted)
  postBoosted(payload: PostEngagementEvent): Promise<void> {
    return this.enqueue(payload.accountLocal === true, { event: DomainEvent.PostBoosted, payload });
  }

  @OnEvent(DomainEvent.PostUnboosted)
  postUnboosted(payload: PostEngagementEvent): Promise<void> {
    return this.enqueue(payload.accountLocal === true, { event: DomainEvent.PostUnboosted, payload });
  }

  /** A local account asks to follow a remote one (always a request until its Accept arrives). */
  @OnEvent(DomainEvent.FollowRequested)
  followRequested(payload: FollowEvent): Promise<void> {
    return this.enqueue(localFollowsRemote(payload), { event: DomainEvent.FollowRequested, payload });
  }

  @OnEvent(DomainEvent.Unfollowed)
  unfollowed(payload: FollowEvent): Promise<void> {
    return this.enqueue(localFollowsRemote(payload), { event: DomainEvent.Unfollowed, payload });
  }

  /** A local account approved a remote account's request (automatic accepts are the inbox's). */
  @OnEvent(DomainEvent.FollowAccepted)
  followAccepted(payload: FollowEvent): Promise<void> {
    return this.enqueue(remoteFollowsLocal(payload), { event: DomainEvent.FollowAccepted, payload });
  }

  /** A local account declined a remote request, or removed a remote follower. */
  @OnEvent(DomainEvent.FollowRejected)
  followRejected(payload: FollowEvent): Promise<void> {
    return this.enqueue(remoteFollowsLocal(payload), { event: DomainEvent.FollowRejected, payload });
  }

  @OnEvent(DomainEvent.Blocked)
  blocked(payload: BlockEvent): Promise<void> {
    return this.enqueue(localBlocksRemote(payload), { event: DomainEvent.Blocked, payload });
  }

  @OnEvent(DomainEvent.Unblocked)
  unblocked(payload: BlockEvent): Promise<void> {
    return this.enqueue(localBlocksRemote(payload), { event: DomainEvent.Unblocked, payload });
  }

  @OnEvent(DomainEvent.ProfileUpdated)
  profileUpdated(payload: ProfileUpdatedEvent): Promise<void> {
    return this.enqueue(payload.local === true, { event: DomainEvent.ProfileUpdated, payload });
  }

  private async enqueue(wanted: boolean, unstamped: Unstamped): Promise<void> {
    if (!wanted) return;
    const job: OutboundEventPayload = { ...unstamped, at: Date.now(), origin: this.origin };
    const jobId = outboundJobId(job);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.queue.add(FederationJob.Outbound, job, { ...OUTBOUND_JOB_OPTIONS, jobId }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`enqueue took over ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      // The action stands; only its federation is lost (or late, if the add still lands).
      this.logger.error({ msg: 'could not enqueue outbound federation', jobId, err: error });
    } finally {
      clearTimeout(timer);
    }
  }
}

const likeOfRemote = (e: PostEngagementEvent) => e.accountLocal === true && e.postLocal === false;
const localFollowsRemote = (e: FollowEvent) => e.followerLocal === true && e.followeeLocal === false;
const remoteFollowsLocal = (e: FollowEvent) => e.followerLocal === false && e.followeeLocal === true;
const localBlocksRemote = (e: BlockEvent) => e.accountLocal === true && e.targetLocal === false;
