import type { DataSource } from 'typeorm';
import { memberPseudonym, type PeriodSnapshot } from '@guildhall/coop';

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

/** What the platform recorded for a closed period (handles, real ids): never published. */
export async function internalSnapshot(db: DataSource, periodId: string): Promise<PeriodSnapshot> {
  const [row] = await db.query<{ snapshot: PeriodSnapshot }[]>(`SELECT snapshot FROM coop_periods WHERE id = $1`, [
    periodId,
  ]);
  return row.snapshot;
}
