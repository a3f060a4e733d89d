import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PubSubEngine } from 'graphql-subscriptions';
import { DomainEvent, DomainEventBus, EventSubscriber } from '@guildhall/core';

/** The pub/sub channel every server process listens to for its live streams. */
export const POST_STREAM_CHANNEL = 'posts:stream';

/** What a live stream learns of a post: which, whose, and what happened (JSON-safe, over Redis). */
export interface PostStreamMessage {
  event: 'update' | 'status.update' | 'delete';
  postId: string;
  authorId: string;
}

/**
 * Puts each post published, edited or deleted (and each boost made or undone) on the post-stream channel, once per event (a
 * durable subscriber, ADR 0016), for every server process to fan out to its own connections.
 * A re-delivery publishes again: a stream may then see an event twice, never miss it.
 */
@Injectable()
export class PostStreamPublisher implements OnModuleInit {
  constructor(
    private readonly bus: DomainEventBus,
    private readonly pubSub: PubSubEngine,
  ) {}

  onModuleInit(): void {
    this.bus.subscribe(EventSubscriber.PostStream, {
      [DomainEvent.PostPublished]: (event) => this.publish('update', event.postId, event.authorId),
      [DomainEvent.PostUpdated]: (event) => this.publish('status.update', event.postId, event.authorId),
      [DomainEvent.PostDeleted]: (event) => this.publish('delete', event.postId, event.authorId),
      // A boost is a post of the booster's (its id the engagement's): shown, and withdrawn, as one.
      [DomainEvent.PostBoosted]: (event) => this.publish('update', event.engagementId, event.accountId),
      [DomainEvent.PostUnboosted]: (event) => this.publish('delete', event.engagementId, event.accountId),
    });
  }

  private async publish(event: PostStreamMessage['event'], postId: string, authorId: string): Promise<void> {
    const message: PostStreamMessage = { event, postId, authorId };
    await this.pubSub.publish(POST_STREAM_CHANNEL, message);
  }
}
