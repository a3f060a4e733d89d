import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { PubSubEngine } from 'graphql-subscriptions';
import { Redis } from 'ioredis';

type Handler = (payload: unknown) => void;

/**
 * GraphQL subscriptions across processes: a message published by any server or worker reaches
 * the subscribers of every server. Two connections, because a Redis connection in subscriber
 * mode can run no other command. Payloads travel as JSON (a Date arrives as a string).
 * Each Redis channel is subscribed once per process however many local subscribers it has.
 */
export class RedisPubSub extends PubSubEngine implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisPubSub.name);
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<number, { channel: string; handler: Handler }>();
  /** Local subscriber ids per channel, and the SUBSCRIBE they all wait for. */
  private readonly channels = new Map<string, { ids: Set<number>; subscribed: Promise<unknown> }>();
  private nextId = 0;

  /** `prefix` keeps several installations (or test runs) on one Redis apart. */
  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    super();
    // Lazy: processes that never publish nor subscribe (the CLI) open no connection.
    this.publisher = new Redis(url, { lazyConnect: true });
    this.subscriber = new Redis(url, { lazyConnect: true });
    for (const client of [this.publisher, this.subscriber]) {
      client.on('error', (error: Error) => this.logger.warn({ msg: 'redis pub/sub connection error', err: error }));
    }
    this.subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
  }

  async publish(trigger: string, payload: unknown): Promise<void> {
    await this.publisher.publish(this.channelOf(trigger), JSON.stringify(payload));
  }

  async subscribe(trigger: string, onMessage: Handler): Promise<number> {
    const channel = this.channelOf(trigger);
    const id = ++this.nextId;
    this.handlers.set(id, { channel, handler: onMessage });
    let entry = this.channels.get(channel);
    if (entry) {
      entry.ids.add(id);
    } else {
      entry = { ids: new Set([id]), subscribed: this.subscriber.subscribe(channel) };
      this.channels.set(channel, entry);
    }
    try {
      await entry.subscribed;
    } catch (error) {
      this.unsubscribe(id);
      throw error;
    }
    return id;
  }

  unsubscribe(id: number): void {
    const entry = this.handlers.get(id);
    if (!entry) return;
    this.handlers.delete(id);
    const channel = this.channels.get(entry.channel);
    channel?.ids.delete(id);
    if (channel?.ids.size) return;
    this.channels.delete(entry.channel);
    // Commands on one connection run in order, so a later SUBSCRIBE to this channel still wins.
    this.subscriber.unsubscribe(entry.channel).catch((error: unknown) => {
      this.logger.warn({ msg: 'redis unsubscribe failed', channel: entry.channel, err: error });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.handlers.clear();
    this.channels.clear();
    await Promise.all([this.publisher, this.subscriber].map((client) => close(client)));
  }

  private channelOf(trigger: string): string {
    return `${this.prefix}:pubsub:${trigger}`;
  }

  private dispatch(channel: string, message: string): void {
    const ids = this.channels.get(channel)?.ids;
    if (!ids) return;
    let payload: unknown;
    try {
      payload = JSON.parse(message);
    } catch (error) {
      this.logger.warn({ msg: 'dropped a malformed pub/sub message', channel, err: error });
      return;
    }
    for (const id of ids) {
      try {
        this.handlers.get(id)?.handler(payload);
      } catch (error) {
        this.logger.error({ msg: 'pub/sub subscriber failed', channel, err: error });
      }
    }
  }
}

async function close(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    await client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}
