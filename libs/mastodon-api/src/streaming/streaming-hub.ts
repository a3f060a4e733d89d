import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PubSubEngine } from 'graphql-subscriptions';
import { LoaderFactories } from '@guildhall/core';
import {
  HASHTAGS_BY_POST_ID,
  POST_STREAM_CHANNEL,
  PostAudienceRepository,
  type PostStreamMessage,
  VISIBLE_POST_BY_ID,
  Visibility,
} from '@guildhall/content';
import { scopeAllows } from '@guildhall/identity';
import { notificationChannel, type NotificationMessage, NotificationService } from '@guildhall/social';
import { NotificationSerializer } from '../notifications/notification.serializer';
import { StatusSerializer } from '../serializers/status.serializer';

/** What a connection (WebSocket or SSE) receives: Mastodon's stream name, event and payload. */
export interface StreamConnection {
  accountId: string;
  /** Null for a first-party session (every scope). */
  scopes: readonly string[] | null;
  /** Subscribed stream keys: `user`, `user:notification`, `public`, `public:local`, `public:remote`, `direct`, `hashtag:<tag>`, `hashtag:local:<tag>`. */
  streams: Set<string>;
  send(stream: string[], event: string, payload: string): void;
}

/** A stream key's Mastodon name (`["hashtag", "tag"]`). */
export function streamName(key: string): string[] {
  const hashtag = /^(hashtag(?::local)?):(.+)$/.exec(key);
  return hashtag ? [hashtag[1], hashtag[2]] : [key];
}

/**
 * Each server process's live streams. It listens once to the post-stream channel (libs/content)
 * and once per connected member to their notification channel (libs/social), both over Redis,
 * so an event made on any process reaches the connections of every process. A post is rendered
 * once per event as an outsider sees it — Mastodon's stream payloads carry no per-reader state
 * of a new post — and sent only to the readers the one visibility rule lets see it, without
 * those who mute its author.
 */
@Injectable()
export class StreamingHub implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(StreamingHub.name);
  private readonly connections = new Set<StreamConnection>();
  private readonly notificationSubscriptions = new Map<string, { id: Promise<number>; count: number }>();
  private postSubscription: Promise<number> | null = null;

  constructor(
    private readonly pubSub: PubSubEngine,
    private readonly audience: PostAudienceRepository,
    private readonly loaderFactories: LoaderFactories,
    private readonly statuses: StatusSerializer,
    private readonly notifications: NotificationService,
    private readonly notificationSerializer: NotificationSerializer,
  ) {}

  onModuleInit(): void {
    this.postSubscription = this.pubSub.subscribe(
      POST_STREAM_CHANNEL,
      (message: PostStreamMessage) => {
        this.onPost(message).catch((error: unknown) =>
          this.logger.warn({ msg: 'stream fan-out failed', postId: message.postId, err: error }),
        );
      },
      {},
    );
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.postSubscription) this.pubSub.unsubscribe(await this.postSubscription);
    for (const { id } of this.notificationSubscriptions.values()) this.pubSub.unsubscribe(await id);
    this.notificationSubscriptions.clear();
  }

  add(connection: StreamConnection): void {
    this.connections.add(connection);
    const existing = this.notificationSubscriptions.get(connection.accountId);
    if (existing) {
      existing.count += 1;
      return;
    }
    const id = this.pubSub.subscribe(
      notificationChannel(connection.accountId),
      (message: NotificationMessage) => {
        this.onNotification(message).catch((error: unknown) =>
          this.logger.warn({ msg: 'notification stream failed', notificationId: message.id, err: error }),
        );
      },
      {},
    );
    this.notificationSubscriptions.set(connection.accountId, { id, count: 1 });
  }

  remove(connection: StreamConnection): void {
    if (!this.connections.delete(connection)) return;
    const subscription = this.notificationSubscriptions.get(connection.accountId);
    if (!subscription) return;
    subscription.count -= 1;
    if (subscription.count > 0) return;
    this.notificationSubscriptions.delete(connection.accountId);
    void subscription.id.then((id) => {
      this.pubSub.unsubscribe(id);
    });
  }

  /** How many connections this process holds (health and tests). */
  get size(): number {
    return this.connections.size;
  }

  private async onNotification(message: NotificationMessage): Promise<void> {
    const targets = [...this.connections].filter(
      (c) =>
        c.accountId === message.accountId &&
        (c.streams.has('user') || c.streams.has('user:notification')) &&
        scopeAllows(c.scopes, 'read:notifications'),
    );
    if (!targets.length) return;
    const reader = { user: { accountId: message.accountId } };
    const context = { loaders: this.loaderFactories.forRequest(reader), viewerId: message.accountId };
    const row = await this.notifications.get(message.accountId, message.id).catch(() => null);
    const rendered = row ? await this.notificationSerializer.serialize(row, context) : null;
    if (!rendered) return;
    const payload = JSON.stringify(rendered);
    for (const connection of targets) {
      const stream = connection.streams.has('user:notification') ? 'user:notification' : 'user';
      connection.send([stream], 'notification', payload);
    }
  }

  private async onPost(message: PostStreamMessage): Promise<void> {
    const readers = [...this.connections].filter((c) => scopeAllows(c.scopes, 'read:statuses'));
    if (!readers.length) return;
    if (message.event === 'delete') {
      // Mastodon sends a delete to every stream that may hold the post: its id reveals nothing.
      for (const connection of readers) {
        for (const key of connection.streams) {
          if (key !== 'user:notification') connection.send(streamName(key), 'delete', message.postId);
        }
      }
      return;
    }
    // Rendered as the author sees it (who sees every post of theirs), once for every reader.
    const author = { user: { accountId: message.authorId } };
    const context = { loaders: this.loaderFactories.forRequest(author), viewerId: null };
    const post = await context.loaders.get(VISIBLE_POST_BY_ID).load(message.postId);
    if (!post) return;
    const [status, tags, home, others] = await Promise.all([
      this.statuses.serialize(post, context),
      context.loaders.get(HASHTAGS_BY_POST_ID).load(post.id),
      this.audience.audience(
        post.id,
        this.accountsOf(readers, (key) => key === 'user'),
        { homeOnly: true },
      ),
      this.audience.audience(
        post.id,
        this.accountsOf(readers, (key) => key !== 'user' && key !== 'user:notification'),
        { homeOnly: false },
      ),
    ]);
    if (!status) return;
    const payload = JSON.stringify({ ...status, favourited: false, reblogged: false, bookmarked: false, muted: false });
    const mayHome = new Set(home);
    const maySee = new Set(others);
    const isPublic = post.visibility === Visibility.Public && !post.boostOfId;
    const lowerTags = new Set(tags.map((tag) => tag.toLowerCase()));
    for (const connection of readers) {
      for (const key of connection.streams) {
        if (!this.wants(key, connection.accountId, { post, isPublic, lowerTags, mayHome, maySee })) continue;
        connection.send(streamName(key), message.event, payload);
      }
    }
  }

  private wants(
    key: string,
    readerId: string,
    facts: {
      post: { local: boolean; visibility: Visibility };
      isPublic: boolean;
      lowerTags: Set<string>;
      mayHome: Set<string>;
      maySee: Set<string>;
    },
  ): boolean {
    if (key === 'user') return facts.mayHome.has(readerId);
    if (key === 'user:notification' || !facts.maySee.has(readerId)) return false;
    if (key === 'direct') return facts.post.visibility === Visibility.Direct;
    if (!facts.isPublic) return false;
    if (key === 'public') return true;
    if (key === 'public:local') return facts.post.local;
    if (key === 'public:remote') return !facts.post.local;
    const hashtag = /^hashtag(:local)?:(.+)$/.exec(key);
    if (!hashtag || !facts.lowerTags.has(hashtag[2].toLowerCase())) return false;
    return !hashtag[1] || facts.post.local;
  }

  private accountsOf(connections: StreamConnection[], keep: (key: string) => boolean): string[] {
    const ids = new Set<string>();
    for (const connection of connections) {
      if ([...connection.streams].some(keep)) ids.add(connection.accountId);
    }
    return [...ids];
  }
}
