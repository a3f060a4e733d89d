import { AccountEntity } from '@guildhall/identity';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/** `accountId` mutes `targetId`: the target's posts leave the muter's timelines and notifications. */
@Entity('mutes')
@Index('mutes_pair_uq', ['accountId', 'targetId'], { unique: true })
export class MuteEntity {
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

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
