import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';

export interface Hits {
  hits: number;
  /** Seconds until the window resets. */
  resetInSeconds: number;
}

/** Fixed-window counters shared by every process (Redis, or PostgreSQL without it). */
export interface RateLimitStore {
  increment(key: string, windowSeconds: number): Promise<Hits>;
  peek(key: string): Promise<Hits>;
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

export class RedisRateLimitStore implements RateLimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async increment(key: string, windowSeconds: number): Promise<Hits> {
    const k = `${this.prefix}:rl:${key}`;
    const result = await this.redis.multi().set(k, 0, 'EX', windowSeconds, 'NX').incr(k).ttl(k).exec();
    const hits = Number(result?.[1]?.[1] ?? 0);
    const ttl = Number(result?.[2]?.[1] ?? windowSeconds);
    return { hits, resetInSeconds: Math.max(ttl, 0) };
  }

  async peek(key: string): Promise<Hits> {
    const k = `${this.prefix}:rl:${key}`;
    const [[, hits], [, ttl]] = (await this.redis.multi().get(k).ttl(k).exec()) as [
      [unknown, string | null],
      [unknown, number],
    ];
    return { hits: Number(hits ?? 0), resetInSeconds: Math.max(ttl, 0) };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(`${this.prefix}:rl:${key}`);
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

export class PostgresRateLimitStore implements RateLimitStore {
  constructor(private readonly dataSource: DataSource) {}

  async increment(key: string, windowSeconds: number): Promise<Hits> {
    const rows = await this.dataSource.query<{ hits: number; reset: number }[]>(
      `INSERT INTO rate_limit_bucket (key, hits, expires_at)
       VALUES ($1, 1, now() + make_interval(secs => $2))
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN rate_limit_bucket.expires_at <= now() THEN 1 ELSE rate_limit_bucket.hits + 1 END,
         expires_at = CASE WHEN rate_limit_bucket.expires_at <= now()
                           THEN EXCLUDED.expires_at ELSE rate_limit_bucket.expires_at END
       RETURNING hits, ceil(extract(epoch FROM expires_at - now()))::int AS reset`,
      [key, windowSeconds],
    );
    return { hits: rows[0].hits, resetInSeconds: rows[0].reset };
  }

  async peek(key: string): Promise<Hits> {
    const rows = await this.dataSource.query<{ hits: number; reset: number }[]>(
      `SELECT hits, ceil(extract(epoch FROM expires_at - now()))::int AS reset
       FROM rate_limit_bucket WHERE key = $1 AND expires_at > now()`,
      [key],
    );
    return rows.length ? { hits: rows[0].hits, resetInSeconds: rows[0].reset } : { hits: 0, resetInSeconds: 0 };
  }

  async reset(key: string): Promise<void> {
    await this.dataSource.query('DELETE FROM rate_limit_bucket WHERE key = $1', [key]);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
