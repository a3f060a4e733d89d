import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { BIGINT } from './bigint.transformer';

/**
 * One line of a journal entry: debit positive, credit negative; an entry's lines sum to 0.
 * Per-member accounts carry the member's account id; capital accounts also their vintage.
 */
@Entity('coop_postings')
@Index('coop_postings_entry_idx', ['entryId'])
@Index('coop_postings_member_idx', ['memberId', 'account'])
export class PostingEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  entryId: string;

  @Column({ type: 'text' })
  account: string;

  @Column({ type: 'uuid', nullable: true })
  memberId: string | null;

  /** The period a capital account's retained patronage belongs to. */
  @Column({ type: 'text', nullable: true })
  vintage: string | null;

  @Column({ type: 'bigint', transformer: BIGINT })
  amount: number;
}
