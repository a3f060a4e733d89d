import { csvRow } from './csv';
import type { LedgerCsvRow, PublishedLedgerRow, TransparencyRepository } from './transparency.repository';

export const LEDGER_CSV_HEADER = [
  'entry_key',
  'ledger',
  'period',
  'account',
  'member',
  'vintage',
  'amount',
  'created_at',
];

/** Postings per read of the full ledger; journal entries per read of the public one. */
const BATCH = 5000;
const ENTRY_BATCH = 500;

/** Every posting of both ledgers in posting order, members by handle (the admins' export). */
export async function* fullLedgerCsv(repository: TransparencyRepository): AsyncGenerator<string> {
  yield csvRow(LEDGER_CSV_HEADER);
  let after = '0';
  for (;;) {
    const rows: LedgerCsvRow[] = await repository.ledgerRows(after, BATCH);
    if (!rows.length) return;
    yield rows
      .map((r) =>
        csvRow([
          r.key,
          r.ledger,
          r.period,
          r.account,
          r.member,
          r.vintage,
          r.amount,
          new Date(r.createdAt).toISOString(),
        ]),
      )
      .join('');
    after = rows[rows.length - 1].id;
  }
}

/**
 * The public ledger (ADR 0043): the same columns, only what the published results show —
 * members by each period's pseudonym on a close's result lines, other member lines summed.
 */
export async function* publishedLedgerCsv(repository: TransparencyRepository): AsyncGenerator<string> {
  yield csvRow(LEDGER_CSV_HEADER);
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows: PublishedLedgerRow[] = await repository.publishedLedgerRows(after, ENTRY_BATCH);
    if (!rows.length) return;
    yield rows
      .filter((r) => r.account !== null)
      .map((r) =>
        csvRow([
          r.key,
          r.ledger,
          r.period,
          r.account,
          r.member,
          r.vintage,
          r.amount,
          new Date(r.createdAt).toISOString(),
        ]),
      )
      .join('');
    after = rows[rows.length - 1].entryId;
  }
}
