import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from '@fedify/fedify';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

const encodeKey = (key: KvKey): string => JSON.stringify(key);

/** `["a","b"]` → the LIKE pattern of its descendants, `["a","b",%` (LIKE metacharacters escaped). */
function descendantsPattern(prefix: KvKey): string {
  const open = encodeKey(prefix).slice(0, -1);
  return `${open.replace(/[\\%_]/g, (c) => `\\${c}`)},%`;
}

/**
 * Fedify's `KvStore` over the `federation_kv` table, so every server process shares one cache.
 * (`@fedify/postgres` exists only for Fedify 1.8.x; this is the small adapter DESIGN.md asks for.)
 */
@Injectable()
export class PostgresKvStore implements KvStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const rows = await this.dataSource.query<{ value: T }[]>(
      `SELECT value FROM federation_kv WHERE key = $1 AND (expires_at IS NULL OR expires_at > now())`,
      [encodeKey(key)],
    );
    return rows[0]?.value;
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    const ttlMs = options?.ttl?.total('millisecond');
    await this.dataSource.query(
      `INSERT INTO federation_kv (key, value, expires_at)
       VALUES ($1, $2::jsonb, CASE WHEN $3::bigint IS NULL THEN NULL ELSE now() + $3::bigint * interval '1 millisecond' END)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
      [encodeKey(key), JSON.stringify(value), ttlMs === undefined ? null : Math.ceil(ttlMs)],
    );
  }

  async delete(key: KvKey): Promise<void> {
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
