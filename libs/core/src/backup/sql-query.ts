import type { Client } from 'pg';
import type { QueryRunner } from 'typeorm';

/** One query answering rows, whether through a TypeORM session or a plain pg client. */
export type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

export const runnerQuery =
  (runner: QueryRunner): Query =>
  <T>(sql: string, params?: unknown[]) =>
    runner.query(sql, params) as Promise<T[]>;

export const clientQuery =
  (client: Client): Query =>
  async <T>(sql: string, params?: unknown[]) =>
    (await client.query(sql, params)).rows as T[];
