import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CoopServiceErrorCode, CoopServiceException } from '../coop-service.exception';
import { LedgerRepository, type NewEntry } from './ledger.repository';
import { PostingColumns } from './posting-columns';
import { assertBalanced, UnbalancedEntryError } from './posting-line';

/** Posts journal entries: balanced (checked here and by the database), once per key. */
@Injectable()
export class LedgerService {
  constructor(private readonly ledger: LedgerRepository) {}

  /** Posts the entry inside the caller's transaction; false (nothing posted) when its key exists. */
  post(manager: EntityManager, entry: NewEntry): Promise<boolean> {
    // As columns once, for the check and the insert alike.
    const lines = entry.lines instanceof PostingColumns ? entry.lines : PostingColumns.of(entry.lines);
    try {
      assertBalanced(entry.key, lines);
    } catch (error) {
      if (error instanceof UnbalancedEntryError) {
        throw new CoopServiceException(CoopServiceErrorCode.LedgerUnbalanced, error.message, { key: entry.key });
      }
      throw error;
    }
    return this.ledger.insertEntry(manager, { ...entry, lines });
  }
}
