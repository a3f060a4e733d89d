import type { DataSource } from 'typeorm';
import type { INestApplication } from '@nestjs/common';
import { CloseSnapshotReader, memberPseudonym, PeriodService, type PeriodSnapshot } from '@guildhall/coop';

/** The secret key of a closed period's pseudonyms (ADR 0022). */
export async function pseudonymKey(db: DataSource, periodId: string): Promise<string> {
  const [row] = await db.query<{ key: string | null }[]>(
    `SELECT pseudonym_key AS key FROM coop_periods WHERE id = $1`,
    [periodId],
  );
  if (!row?.key) throw new Error(`period ${periodId} has no pseudonym key`);
  return row.key;
}

/** The member's id in a closed period's published snapshot and result. */
export async function pseudonymOf(db: DataSource, periodId: string, username: string): Promise<string> {
  return memberPseudonym(await pseudonymKey(db, periodId), username);
}

/**
 * What the platform recorded for a closed period (handles, real ids): never published. Read as
 * `coop verify` reads it (ADR 0070: the stored document, its events where they were recorded).
 */
export async function internalSnapshot(app: INestApplication, periodId: string): Promise<PeriodSnapshot> {
  const period = await app.get(PeriodService).find(periodId);
  const snapshot = period ? await app.get(CloseSnapshotReader).internalSnapshotOf(period) : null;
  if (!snapshot) throw new Error(`period ${periodId} stored no internal snapshot`);
  return snapshot;
}

/** What runs SQL with parameters: a pg Client or a TypeORM DataSource. */
interface Queryable {
  query(sql: string, parameters: unknown[]): Promise<unknown>;
}

/** A closed period's stored published parts (ADR 0069), in order. */
export async function publishedParts(db: Queryable, periodId: string): Promise<string[]> {
  const rows = (await db.query(`SELECT part FROM coop_published_parts WHERE period_id = $1 ORDER BY n`, [
    periodId,
  ])) as { part: string }[];
  return rows.map(({ part }) => part);
}

/**
 * `work` with the row triggers that freeze what closed periods stored and counted (ADR 0070, 0072)
 * disabled, as an operator editing them by hand would have to: for tests that tamper with it.
 */
export async function unfrozen<T>(db: Queryable, work: () => Promise<T>): Promise<T> {
  const triggers = [
    ['coop_events', 'coop_events_counted_frozen'],
    ['coop_periods', 'coop_periods_closed_frozen'],
    ['coop_published_parts', 'coop_published_parts_frozen'],
  ];
  for (const [table, trigger] of triggers) await db.query(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`, []);
  try {
    return await work();
  } finally {
    for (const [table, trigger] of triggers) await db.query(`ALTER TABLE ${table} ENABLE TRIGGER ${trigger}`, []);
  }
}

/** Replaces a period's stored published parts with `parts`, numbered in order (none: no parts). */
export async function setPublishedParts(db: Queryable, periodId: string, parts: readonly string[]): Promise<void> {
  await unfrozen(db, async () => {
    await db.query(`DELETE FROM coop_published_parts WHERE period_id = $1`, [periodId]);
    for (const [n, part] of parts.entries()) {
      await db.query(`INSERT INTO coop_published_parts (period_id, n, part) VALUES ($1, $2, $3)`, [periodId, n, part]);
    }
  });
}
