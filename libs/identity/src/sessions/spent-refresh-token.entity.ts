import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SessionEntity } from './session.entity';

/**
 * A refresh token its session already traded for a new one (SHA-256 hash). Presenting it again
 * means two parties hold the session's tokens: the session is revoked (RFC 6749 §10.4).
 */
@Entity('spent_refresh_tokens')
export class SpentRefreshTokenEntity {
  @PrimaryColumn({ type: 'text' })
  tokenHash: string;

  @Index('spent_refresh_tokens_session_id_idx')
  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session: SessionEntity;

  @Index('spent_refresh_tokens_spent_at_idx')
  @CreateDateColumn({ type: 'timestamptz' })
  spentAt: Date;
}
