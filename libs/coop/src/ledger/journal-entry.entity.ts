import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type Ledger = 'money' | 'units';

/**
 * One balanced journal entry of one ledger. `key` makes posting idempotent per ledger (a close
 * posts `close:<period>` to each);
 * entries and postings are append-only (a database trigger refuses UPDATE and DELETE).
 */
@Entity('coop_journal_entries')
@Index('coop_journal_entries_key_uq', ['key', 'ledger'], { unique: true })
@Check('coop_journal_entries_ledger_ck', `"ledger" IN ('money', 'units')`)
export class JournalEntryEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  ledger: Ledger;

  @Column({ type: 'text', nullable: true })
  periodId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
