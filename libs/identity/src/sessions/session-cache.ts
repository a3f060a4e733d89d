import { Injectable, Logger } from '@nestjs/common';
import { PubSubEngine } from 'graphql-subscriptions';
import { BoundedMap, ConfigService } from '@guildhall/core';
import type { ActiveSession } from './session.repository';

/** What a revocation names: the sessions it ended, by whichever handle the caller has. */
export interface SessionEviction {
  sessionIds?: readonly string[];
  userIds?: readonly string[];
  accountIds?: readonly string[];
  /** Hashes of apps' opaque access tokens. */
  tokenHashes?: readonly string[];
}

/** The channel every process of an installation hears revocations on (PubSubEngine is per QUEUE_PREFIX). */
export const SESSION_EVICTIONS = 'identity:session-evictions';
/** Sessions remembered at once per process: a bounded LRU. */
export const SESSION_CACHE_ENTRIES = 10_000;

interface Entry {
  session: ActiveSession;
  /** Until when (epoch ms) the entry may answer: the TTL, or the session's own end if sooner. */
  until: number;
}

const sessionKey = (sessionId: string) => `sid:${sessionId}`;
const tokenKey = (tokenHash: string) => `tok:${tokenHash}`;

/**
 * A process's short memory of live sessions, so a bearer request costs no session query (ADR
 * 0053). Only live sessions of unsuspended accounts are remembered, for SESSION_CACHE_TTL_SECONDS
 * at most. Every revocation by this lib's own operations evicts here at once and is published to
 * the installation's other processes (Redis pub/sub); anything else (SQL by hand, a lost message)
 * shows within the TTL. A lookup that raced with an eviction is not remembered.
 */
@Injectable()
export class SessionCache {
  private readonly logger = new Logger(SessionCache.name);
  private readonly entries = new BoundedMap<string, Entry>(SESSION_CACHE_ENTRIES);
  private readonly ttlMs: number;
  /** Bumped by every eviction: a lookup that started before one must not store what it read. */
  private generation = 0;
  /** Entries are stored only once this process hears other processes' evictions. */
  private listening = false;
  private subscribing: Promise<void> | null = null;

  constructor(
    config: ConfigService,
    private readonly pubSub: PubSubEngine,
  ) {
    this.ttlMs = config.values.sessionCacheTtlSeconds * 1000;
  }

  /** The live session of a first-party access token's `sid`, remembered or looked up with `load`. */
  bySessionId(sessionId: string, load: () => Promise<ActiveSession | null>): Promise<ActiveSession | null> {
    return this.read(sessionKey(sessionId), load);
  }

  /** The live session of an app's opaque access token (by its hash). */
  byTokenHash(tokenHash: string, load: () => Promise<ActiveSession | null>): Promise<ActiveSession | null> {
    return this.read(tokenKey(tokenHash), load);
  }

  /**
   * Starts hearing other processes' evictions now, and resolves once this process does (it starts
   * on the first bearer token otherwise, and remembers nothing until then). True when listening.
   */
  async listenNow(): Promise<boolean> {
    this.listen();
    await this.subscribing;
    return this.listening;
  }

  /** Forgets the named sessions here and in every other process of the installation. */
  async evict(eviction: SessionEviction): Promise<void> {
    this.evictLocally(eviction);
    try {
      await this.pubSub.publish(SESSION_EVICTIONS, eviction);
    } catch (error) {
      // The other processes forget within the TTL anyway; the revocation itself has happened.
      this.logger.warn({ msg: 'could not publish a session eviction', err: error });
    }
  }

  private async read(key: string, load: () => Promise<ActiveSession | null>): Promise<ActiveSession | null> {
    if (this.ttlMs === 0) return load();
    const entry = this.entries.get(key);
    const now = Date.now();
    if (entry && entry.until > now) {
      // Most recently used last: the Map's first key is the one to drop.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.session;
    }
    if (entry) this.entries.delete(key);
    this.listen();
    const generation = this.generation;
    const session = await load();
    if (session && !session.suspended && this.listening && generation === this.generation) {
      const ends = session.expiresAt?.getTime() ?? Infinity;
      this.entries.set(key, { session, until: Math.min(now + this.ttlMs, ends) });
    }
    return session;
  }

  private evictLocally(eviction: SessionEviction): void {
    this.generation++;
    const sessions = new Set(eviction.sessionIds ?? []);
    const users = new Set(eviction.userIds ?? []);
    const accounts = new Set(eviction.accountIds ?? []);
    for (const hash of eviction.tokenHashes ?? []) this.entries.delete(tokenKey(hash));
    if (!sessions.size && !users.size && !accounts.size) return;
    for (const [key, { session }] of this.entries) {
      if (sessions.has(session.sessionId) || users.has(session.userId) || accounts.has(session.accountId)) {
        this.entries.delete(key);
      }
    }
  }

  /** Subscribes on first use (a process that never authenticates a bearer token, the CLI, never does). */
  private listen(): void {
    this.subscribing ??= this.pubSub
      .subscribe(SESSION_EVICTIONS, (payload: unknown) => this.evictLocally(payload as SessionEviction), {})
      .then(
        () => {
          this.listening = true;
        },
        (error: unknown) => {
          // Without the channel nothing is remembered (every request is looked up); retried on next use.
          this.logger.warn({ msg: 'could not subscribe to session evictions', err: error });
          this.subscribing = null;
        },
      );
  }
}
