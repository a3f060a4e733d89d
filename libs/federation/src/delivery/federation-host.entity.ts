import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What we know of a remote server's health as a delivery target: failures since its last success,
 * and since when it has been unavailable (deliveries to it are then skipped until it talks to us).
 */
@Entity('federation_hosts')
export class FederationHostEntity {
  /** host[:port], lower-case. */
  @PrimaryColumn({ type: 'text' })
  host: string;

  @Column({ type: 'integer', default: 0 })
  failureCount: number;

  @Column({ type: 'timestamptz', nullable: true })
  lastFailureAt: Date | null;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastSuccessAt: Date | null;

  /** Set after repeated failures; cleared when the host delivers to us or accepts a delivery. */
  @Column({ type: 'timestamptz', nullable: true })
  unavailableSince: Date | null;
}
