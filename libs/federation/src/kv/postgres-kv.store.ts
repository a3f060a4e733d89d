import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from '@fedify/fedify';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { BoundedMap } from '@guildhall/core';

const encodeKey = (key: KvKey): string => JSON.stringify(key);

/** `["a","b"]` → the LIKE pattern of its descendants, `["a","b",%` (LIKE metacharacters escaped). */
function descendantsPattern(prefix: KvKey): string {
  const open = encodeKey(prefix).slice(0, -1);
  return `${open.replace(/[\\%_]/g, (c) => `\\${c}`)},%`;
}

/**
 * Keys read on every inbox request or delivery whose values rarely change: remote public keys and
 * the signature spec each host accepts. They are also kept in this process's memory (bench:inbox
 * and bench:fanout measured a PostgreSQL round trip per read, and a write per delivery of an
 * unchanged spec). Idempotency and circuit-breaker state stay shared, in PostgreSQL only.
 */
const MEMORY_PREFIXES = ['["_fedify","publicKey",', '["_fedify","httpMessageSignaturesSpec",'];
const MEMORY_TTL_MS = 10 * 60_000;
const MEMORY_MAX_ENTRIES = 10_000;

interface MemoryEntry {
  json: string;
  value: unknown;
  expiresAt: number;
}

/**
 * Fedify's `KvStore` over the `federation_kv` table, so every server process shares one cache.
 * (`@fedify/postgres` exists only for Fedify 1.8.x; this is the small adapter DESIGN.md asks for.)
 */
@Injectable()
export class PostgresKvStore implements KvStore {
  private readonly memory = new BoundedMap<string, MemoryEntry>(MEMORY_MAX_ENTRIES);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private remember(encoded: string, json: string, value: unknown, ttlMs: number | undefined): void {
    this.memory.set(encoded, { json, value, expiresAt: Date.now() + Math.min(ttlMs ?? MEMORY_TTL_MS, MEMORY_TTL_MS) });
  }

  private recalled(encoded: string): MemoryEntry | undefined {
    const entry = this.memory.get(encoded);
    if (entry && entry.expiresAt <= Date.now()) {
      this.memory.delete(encoded);
      return undefined;
    }
    return entry;
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const encoded = encodeKey(key);
    const inMemory = MEMORY_PREFIXES.some((prefix) => encoded.startsWith(prefix));
    if (inMemory) {
      const entry = this.recalled(encoded);
      if (entry) return entry.value as T;
    }
    const value = await this.read<T>(encoded);
    if (inMemory && value !== undefined) this.remember(encoded, JSON.stringify(value), value, undefined);
    return value;
  }

  private async read<T>(encoded: string): Promise<T | undefined> {
    const rows = await this.dataSource.query<{ value: T }[]>(
      `SELECT value FROM federation_kv WHERE key = $1 AND (expires_at IS NULL OR expires_at > now())`,
      [encoded],
    );
    return rows[0]?.value;
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    const ttlMs = options?.ttl?.total('millisecond');
    const encoded = encodeKey(key);
    if (MEMORY_PREFIXES.some((prefix) => encoded.startsWith(prefix))) {
      const json = JSON.stringify(value);
      // Fedify records the spec a host accepted after every delivery: unchanged, it is not rewritten.
      if (this.recalled(encoded)?.json === json) return;
      this.remember(encoded, json, value, ttlMs);
    }
    await this.dataSource.query(
      `INSERT INTO federation_kv (key, value, expires_at)
       VALUES ($1, $2::jsonb, CASE WHEN $3::bigint IS NULL THEN NULL ELSE now() + $3::bigint * interval '1 millisecond' END)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
      [encoded, JSON.stringify(value), ttlMs === undefined ? null : Math.ceil(ttlMs)],
    );
  }

  /** The live values of `keys` that are stored (PostgreSQL only: no key here is kept in memory), by encoded key. */
  async getMany(keys: readonly KvKey[]): Promise<Map<string, unknown>> {
    if (!keys.length) return new Map();
    const rows = await this.dataSource.query<{ key: string; value: unknown }[]>(
      `SELECT key, value FROM federation_kv WHERE key = ANY($1::text[]) AND (expires_at IS NULL OR expires_at > now())`,
      [keys.map(encodeKey)],
    );
    return new Map(rows.map((row) => [row.key, row.value]));
  }

  /** `set` of many keys to one value, in the caller's transaction (one statement). */
  async setMany(manager: EntityManager, keys: readonly KvKey[], value: unknown, ttlMs: number): Promise<void> {
    if (!keys.length) return;
    await manager.query(
      `INSERT INTO federation_kv (key, value, expires_at)
       SELECT k, $2::jsonb, now() + $3::bigint * interval '1 millisecond' FROM unnest($1::text[]) AS k
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
      [[...new Set(keys.map(encodeKey))], JSON.stringify(value), Math.ceil(ttlMs)],
    );
  }

  async delete(key: KvKey): Promise<void> {
    this.memory.delete(encodeKey(key));
    await this.dataSource.query(`DELETE FROM federation_kv WHERE key = $1`, [encodeKey(key)]);
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const live = `(expires_at IS NULL OR expires_at > now())`;
    const rows = prefix
      ? await this.dataSource.query<{ key: string; value: unknown }[]>(
          `SELECT key, value FROM federation_kv WHERE (key = $1 OR key LIKE $2) AND ${live} ORDER BY key`,
          [encodeKey(prefix), descendantsPattern(prefix)],
        )
      : await this.dataSource.query<{ key: string; value: unknown }[]>(
          `SELECT key, value FROM federation_kv WHERE ${live} ORDER BY key`,
        );
    for (const row of rows) yield { key: JSON.parse(row.key) as KvKey, value: row.value };
  }
}
