import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { PubSubEngine } from 'graphql-subscriptions';
import { LoaderFactories } from '@guildhall/core';
import {
  ConversationService,
  type FilterContext,
  FilterMatcher,
  FILTERS_CHANGED_TRIGGER,
  type FiltersChangedPayload,
  HASHTAGS_BY_POST_ID,
  POST_STREAM_CHANNEL,
  PostAudienceRepository,
  type PostStreamMessage,
  type ReaderFilter,
  VISIBLE_POST_BY_ID,
  Visibility,
} from '@guildhall/content';
import { AuthService, scopeAllows } from '@guildhall/identity';
import { notificationChannel, type NotificationMessage, NotificationInbox } from '@guildhall/social';
import { NotificationSerializer } from '../notifications/notification.serializer';
import { ConversationSerializer } from '../serializers/conversation.serializer';
import type { MastodonStatus } from '../serializers/mastodon-entities';
import { StatusSerializer } from '../serializers/status.serializer';
import { streamName } from './stream-request';

/** How often each process checks that its connections' sessions are still live (a revoked token's socket closes). */
const SESSION_SWEEP_MS = 2_000;

/** What a connection (WebSocket or SSE) receives: Mastodon's stream name, event and payload. */
export interface StreamConnection {
  accountId: string;
  /** The session (first-party or app token) it authenticated with: revoking it closes the connection. */
  sessionId: string;
  /** Null for a first-party session (every scope). */
  scopes: readonly string[] | null;
  /**
   * Subscribed stream keys: `user`, `user:notification`, `public`, `public:local`, `public:remote`,
   * `direct`, `hashtag:<tag>`, `hashtag:local:<tag>`, `list:<id>`.
   */
  streams: Set<string>;
  /** `payload` undefined: an event without one (`filters_changed`). */
  send(stream: string[], event: string, payload?: string): void;
  close(): void;
}

/** The filter context a stream's statuses are read in (as the REST timeline of the same posts); null: none. */
function filterContextOf(key: string): FilterContext | null {
  if (key === 'user' || key.startsWith('list:')) return 'home';
  if (key.startsWith('public') || key.startsWith('hashtag')) return 'public';
  return null;
}

/**
 * Each server process's live streams. It listens once to the post-stream channel (libs/content)
 * and once per connected member to their notification channel (libs/social), both over Redis,
 * so an event made on any process reaches the connections of every process. A post is rendered
 * once per event as an outsider sees it — Mastodon's stream payloads carry no per-reader state
 * of a new post — and sent only to the readers the one visibility rule lets see it, without
 * those who mute its author or block its server. Each reader's filters of the stream's context
 * then apply as on the REST timelines (ADR 0033): `filtered` on a warn/blur match, no event on a
 * `hide` match. The compiled filters of connected readers are kept per process until the reader
 * changes them (`filters_changed`), one of them expires, or the reader's last connection closes.
 * Every few seconds it drops the connections whose session was revoked or expired, whichever way
 * it ended.
 */
@Injectable()
export class StreamingHub implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(StreamingHub.name);
  private readonly connections = new Set<StreamConnection>();
  private readonly notificationSubscriptions = new Map<string, { id: Promise<number>; count: number }>();
  private postSubscription: Promise<number> | null = null;
  private filtersSubscription: Promise<number> | null = null;
  private sweep: NodeJS.Timeout | null = null;
  private sweeping = false;
  /** Connected readers' compiled filters, keyed `<context>:<accountId>`. */
  private readonly readerFilters = new Map<string, ReaderFilter>();
  /** Bumped by every `filters_changed`: filters loaded across one are not kept. */
  private filtersGeneration = 0;

  constructor(
    private readonly pubSub: PubSubEngine,
    private readonly audience: PostAudienceRepository,
    private readonly loaderFactories: LoaderFactories,
    private readonly statuses: StatusSerializer,
    private readonly notifications: NotificationInbox,
    private readonly notificationSerializer: NotificationSerializer,
    private readonly auth: AuthService,
    private readonly conversations: ConversationService,
    private readonly conversationSerializer: ConversationSerializer,
    private readonly filterMatcher: FilterMatcher,
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
    this.filtersSubscription = this.pubSub.subscribe(
      FILTERS_CHANGED_TRIGGER,
      (message: FiltersChangedPayload) => this.onFiltersChanged(message.accountId),
      {},
    );
    this.sweep = setInterval(() => {
      this.closeRevoked().catch((error: unknown) => this.logger.warn({ msg: 'session sweep failed', err: error }));
    }, SESSION_SWEEP_MS);
    this.sweep.unref();
  }

  /** Ends every open stream (SSE responses too) before the HTTP server closes, which would wait for them. */
  beforeApplicationShutdown(): void {
    for (const connection of [...this.connections]) {
      this.remove(connection);
      connection.close();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    if (this.postSubscription) this.pubSub.unsubscribe(await this.postSubscription);
    if (this.filtersSubscription) this.pubSub.unsubscribe(await this.filtersSubscription);
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
    this.forgetFilters(connection.accountId);
    void subscription.id.then((id) => {
      this.pubSub.unsubscribe(id);
    });
  }

  /** How many connections this process holds (health and tests). */
  get size(): number {
    return this.connections.size;
  }

  /**
   * Closes the connections whose session is no longer live (one query for the whole process).
   * Only the connections whose sessions were asked about are judged: one accepted while the query
   * ran (its session was live when it authenticated) is checked by the next sweep, not closed for
   * being absent from an answer to a question that did not name it (ADR 0062). A sweep still
   * waiting for its answer makes the next tick skip rather than stack a second query.
   */
  private async closeRevoked(): Promise<void> {
    if (!this.connections.size || this.sweeping) return;
    this.sweeping = true;
    try {
      const checked = [...this.connections];
      const live = new Set(await this.auth.liveSessionIds([...new Set(checked.map((c) => c.sessionId))]));
      for (const connection of checked) {
        if (live.has(connection.sessionId) || !this.connections.has(connection)) continue;
        this.remove(connection);
        connection.close();
      }
    } finally {
      this.sweeping = false;
    }
  }

  /** Mastodon's `filters_changed` (no payload) to the member's user streams. */
  private onFiltersChanged(accountId: string): void {
    this.filtersGeneration += 1;
    this.forgetFilters(accountId);
    for (const connection of this.connections) {
      if (connection.accountId === accountId && connection.streams.has('user')) {
        connection.send(['user'], 'filters_changed');
      }
    }
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
    const listIds = readers.flatMap((c) => [...c.streams].filter((k) => k.startsWith('list:')).map((k) => k.slice(5)));
    const [status, tags, lists, home, others] = await Promise.all([
      this.statuses.serialize(post, context),
      context.loaders.get(HASHTAGS_BY_POST_ID).load(post.id),
      this.audience.lists(post.id, [...new Set(listIds)]),
      this.audience.audience(
        post.id,
        this.accountsOf(readers, (key) => key === 'user'),
        { homeOnly: true },
      ),
      this.audience.audience(
        post.id,
        this.accountsOf(readers, (key) => key !== 'user' && key !== 'user:notification' && !key.startsWith('list:')),
        { homeOnly: false },
      ),
    ]);
    if (!status) return;
    const shown: MastodonStatus = { ...status, favourited: false, reblogged: false, bookmarked: false, muted: false };
    const payload = JSON.stringify(shown);
    const mayHome = new Set(home);
    const listsHolding = new Set(lists.map((id) => `list:${id}`));
    const maySee = new Set(others);
    const isPublic = post.visibility === Visibility.Public && !post.boostOfId;
    const lowerTags = new Set(tags.map((tag) => tag.toLowerCase()));
    const conversations =
      message.event === 'update' && post.visibility === Visibility.Direct
        ? await this.conversationsOf(
            post.id,
            readers.filter((c) => c.streams.has('direct') && maySee.has(c.accountId)).map((c) => c.accountId),
          )
        : new Map<string, string>();
    const facts = { post, isPublic, lowerTags, mayHome, maySee, listsHolding };
    const sends: { connection: StreamConnection; key: string; filterKey: string | null }[] = [];
    for (const connection of readers) {
      for (const key of connection.streams) {
        if (!this.wants(key, connection.accountId, facts)) continue;
        const context = filterContextOf(key);
        sends.push({ connection, key, filterKey: context && `${context}:${connection.accountId}` });
      }
    }
    const filters = await this.filtersOf(new Set(sends.flatMap((s) => (s.filterKey ? [s.filterKey] : []))));
    // Each reader's payload once per context: the shared one unless a filter matched.
    const payloads = new Map<string, string | null>();
    const payloadFor = (filterKey: string): string | null => {
      let rendered = payloads.get(filterKey);
      if (rendered === undefined) {
        const [result] = this.statuses.applyFilter(shown, filters.get(filterKey)?.match ?? null);
        rendered = !result ? null : result === shown ? payload : JSON.stringify(result);
        payloads.set(filterKey, rendered);
      }
      return rendered;
    };
    for (const { connection, key, filterKey } of sends) {
      if (key !== 'direct') {
        const body = filterKey ? payloadFor(filterKey) : payload;
        if (body !== null) connection.send(streamName(key), message.event, body);
        continue;
      }
      // Mastodon's direct stream carries each reader's Conversation, once per new post in it.
      const conversation = conversations.get(connection.accountId);
      if (conversation) connection.send(['direct'], 'conversation', conversation);
    }
  }

  private forgetFilters(accountId: string): void {
    this.readerFilters.delete(`home:${accountId}`);
    this.readerFilters.delete(`public:${accountId}`);
  }

  /**
   * The filters of each `<context>:<accountId>` asked for: kept ones while current, the others
   * loaded in one batch per context (and kept unless a `filters_changed` came in meanwhile).
   */
  private async filtersOf(wanted: Set<string>): Promise<Map<string, ReaderFilter>> {
    const now = Date.now();
    const found = new Map<string, ReaderFilter>();
    const missing = new Map<FilterContext, string[]>();
    for (const key of wanted) {
      const kept = this.readerFilters.get(key);
      if (kept && (kept.validUntil === null || kept.validUntil > now)) {
        found.set(key, kept);
        continue;
      }
      const [context, accountId] = key.split(':') as [FilterContext, string];
      missing.set(context, [...(missing.get(context) ?? []), accountId]);
    }
    const generation = this.filtersGeneration;
    await Promise.all(
      [...missing].map(async ([context, accountIds]) => {
        const loaded = await this.filterMatcher.forViewers(accountIds, context);
        for (const [accountId, filter] of loaded) {
          const key = `${context}:${accountId}`;
          found.set(key, filter);
          if (generation === this.filtersGeneration && this.notificationSubscriptions.has(accountId)) {
            this.readerFilters.set(key, filter);
          }
        }
      }),
    );
    return found;
  }

  /** Each reader's Conversation (rendered as they see it) whose newest post is `postId`. */
  private async conversationsOf(postId: string, readerIds: string[]): Promise<Map<string, string>> {
    const rendered = new Map<string, string>();
    const page = { maxId: null, sinceId: null, minId: null, limit: 3 };
    await Promise.all(
      [...new Set(readerIds)].map(async (readerId) => {
        const row = (await this.conversations.page(readerId, page)).find((r) => r.lastPostId === postId);
        if (!row) return;
        const [conversation] = await this.conversationSerializer.serializeMany({ user: { accountId: readerId } }, [
          row,
        ]);
        rendered.set(readerId, JSON.stringify(conversation));
      }),
    );
    return rendered;
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
      listsHolding: Set<string>;
    },
  ): boolean {
    if (key === 'user') return facts.mayHome.has(readerId);
    if (key.startsWith('list:')) return facts.listsHolding.has(key);
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
