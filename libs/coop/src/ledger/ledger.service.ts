import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CoopServiceErrorCode, CoopServiceException } from '../coop-service.exception';
import { LedgerRepository, type NewEntry } from './ledger.repository';
import { assertBalanced, UnbalancedEntryError } from './posting-line';

/** Posts journal entries: balanced (checked here and by the database), once per key. */
@Injectable()
export class LedgerService {
  constructor(private readonly ledger: LedgerRepository) {}

  /** Posts the entry inside the caller's transaction; false (nothing posted) when its key exists. */
  post(manager: EntityManager, entry: NewEntry): Promise<boolean> {
    try {
      assertBalanced(entry.key, entry.lines);
    } catch (error) {
      if (error instanceof UnbalancedEntryError) {
        throw new CoopServiceException(CoopServiceErrorCode.LedgerUnbalanced, error.message, { key: entry.key });
      }
      throw error;
    }
    return this.ledger.insertEntry(manager, entry);
  }
}
