import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { ConfigService } from '../config/config.service';
import { PostgresRateLimitStore, RedisRateLimitStore, type Hits, type RateLimitStore } from './rate-limit.store';

export interface Limit {
  /** Most hits allowed in one window. */
  max: number;
  windowSeconds: number;
}

export type Verdict = { allowed: true; hits: Hits } | { allowed: false; retryAfterSeconds: number };

@Injectable()
export class RateLimiterService implements OnApplicationShutdown {
  private readonly store: RateLimitStore;

  constructor(config: ConfigService, @InjectDataSource() dataSource: DataSource) {
    const redisUrl = config.values.redisUrl;
    this.store = redisUrl
      ? new RedisRateLimitStore(
          new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 }),
          config.values.queuePrefix,
        )
      : new PostgresRateLimitStore(dataSource);
  }

  /** Counts one hit; refused once the window holds more than `limit.max`. */
  async hit(key: string, limit: Limit): Promise<Verdict> {
    const hits = await this.store.increment(key, limit.windowSeconds);
    return hits.hits > limit.max
      ? { allowed: false, retryAfterSeconds: Math.max(hits.resetInSeconds, 1) }
      : { allowed: true, hits };
  }

  /**
   * Counts one hit; when the window is full, throws what `refuse` makes of the seconds to wait
   * (each module its own RATE_LIMITED exception).
   */
  async consume(key: string, limit: Limit, refuse: (retryAfterSeconds: number) => Error): Promise<void> {
    const verdict = await this.hit(key, limit);
    if (!verdict.allowed) throw refuse(verdict.retryAfterSeconds);
  }

  /** Whether the window still has room, without counting a hit. */
  async check(key: string, limit: Limit): Promise<Verdict> {
    const hits = await this.store.peek(key);
    return hits.hits >= limit.max
      ? { allowed: false, retryAfterSeconds: Math.max(hits.resetInSeconds, 1) }
      : { allowed: true, hits };
  }

  reset(key: string): Promise<void> {
    return this.store.reset(key);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
