import { Injectable } from '@nestjs/common';
import { type MemberLedgerRow, MemberLedgerRepository } from './member-ledger.repository';

export type { MemberLedgerRow } from './member-ledger.repository';

/** Postings per query: a long history is read and sent a page at a time. */
export const MEMBER_LEDGER_BATCH = 1000;

/**
 * A member's own ledger lines (both ledgers, every posting to an account of theirs), for the
 * export of their data (issue 12): only the account's own lines, in posting order.
 */
@Injectable()
export class MemberLedgerService {
  constructor(private readonly ledger: MemberLedgerRepository) {}

  async *batches(accountId: string, batch = MEMBER_LEDGER_BATCH): AsyncGenerator<MemberLedgerRow[]> {
    let after = '0';
    for (;;) {
      const rows = await this.ledger.page(accountId, after, batch);
      if (!rows.length) return;
      yield rows;
      if (rows.length < batch) return;
      after = rows[rows.length - 1].id;
    }
  }
}
