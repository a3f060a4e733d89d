import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { normalizeHost } from '@guildhall/core';

/** One spelling per host: `BLOCKED.example.` and `blocked.example` are one row (ADR 0018). */
const key = (host: string): string => normalizeHost(host) ?? host.trim().toLowerCase();

/** Per-host delivery health (federation_hosts), written from Fedify's delivery callbacks. */
@Injectable()
export class FederationHostRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Counts one more failure in a row; resolves to the count. */
  async recordFailure(host: string, error: string): Promise<number> {
    const rows = await this.dataSource.query<{ failure_count: number }[]>(
      `INSERT INTO federation_hosts (host, failure_count, last_failure_at, last_error) VALUES ($1, 1, now(), $2)
       ON CONFLICT (host) DO UPDATE SET failure_count = federation_hosts.failure_count + 1,
         last_failure_at = now(), last_error = EXCLUDED.last_error
       RETURNING failure_count`,
      [key(host), error.slice(0, 500)],
    );
    return rows[0]?.failure_count ?? 1;
  }

  async markUnavailable(host: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO federation_hosts (host, unavailable_since) VALUES ($1, now())
       ON CONFLICT (host) DO UPDATE SET unavailable_since = coalesce(federation_hosts.unavailable_since, now())`,
      [key(host)],
    );
  }

  /** The host answered a delivery or delivered to us: it is alive again. */
  async markAvailable(host: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE federation_hosts SET failure_count = 0, unavailable_since = NULL, last_success_at = now()
       WHERE host = $1 AND (failure_count > 0 OR unavailable_since IS NOT NULL)`,
      [key(host)],
    );
  }

  /** markAvailable for several hosts in one statement (only rows with failures are written). */
  async markAvailableMany(hosts: string[]): Promise<void> {
    if (hosts.length === 0) return;
    await this.dataSource.query(
      `UPDATE federation_hosts SET failure_count = 0, unavailable_since = NULL, last_success_at = now()
       WHERE host = ANY($1::text[]) AND (failure_count > 0 OR unavailable_since IS NOT NULL)`,
      [hosts.map(key)],
    );
  }
}
