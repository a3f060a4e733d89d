import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Fedify's key–value store (caches, idempotency records), kept in our PostgreSQL. */
@Entity('federation_kv')
@Index('federation_kv_expires_at_idx', ['expiresAt'], { where: '"expires_at" IS NOT NULL' })
export class FederationKvEntity {
  /** The Fedify key as a JSON array, e.g. `["_fedify","remoteDocument","https://…"]`. */
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'jsonb' })
  value: unknown;

  /** Null: never expires. An expired row reads as absent and is overwritten on the next set. */
  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;
}
