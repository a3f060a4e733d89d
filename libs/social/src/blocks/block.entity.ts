import { AccountEntity } from '@guildhall/identity';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/** `accountId` blocks `targetId`: neither sees the other's posts; follows between them end. */
@Entity('blocks')
@Index('blocks_pair_uq', ['accountId', 'targetId'], { unique: true })
@Index('blocks_target_idx', ['targetId'])
export class BlockEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  accountId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: AccountEntity;

  @Column({ type: 'uuid' })
  targetId: string;

  @ManyToOne(() => AccountEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'target_id' })
  target: AccountEntity;

  @Column({ type: 'text', nullable: true, unique: true })
  uri: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
