import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../accounts/user.entity';

/**
 * A one-time password reset a steward issued (there is no email delivery): the token itself is
 * shown once to the steward and stored only as a SHA-256 hash; it expires and works once.
 */
@Entity('password_resets')
export class PasswordResetEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('password_resets_user_id_idx')
  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user: UserEntity;

  @Index('password_resets_token_hash_uq', { unique: true })
  @Column({ type: 'text' })
  tokenHash: string;

  /** The admin who issued it; null when issued with `guildhall accounts reset-password`. */
  @Column({ type: 'uuid', nullable: true })
  issuedByAccountId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  /** When it was consumed, or superseded by a newer reset for the same user. */
  @Column({ type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
