import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OutboxEventEntity } from './outbox-event.entity';

export enum DeliveryState {
  Pending = 'pending',
  Done = 'done',
  /** Failed EVENTS_MAX_ATTEMPTS times: parked for a steward (`guildhall events`), never dropped. */
  Dead = 'dead',
}

/** One subscriber's delivery of one event: its own state, attempts and retry time. */
@Entity('domain_event_deliveries')
@Check('domain_event_deliveries_state_ck', `"state" IN ('pending', 'done', 'dead')`)
@Index('domain_event_deliveries_due_idx', ['nextAttemptAt'], { where: `"state" = 'pending'` })
@Index('domain_event_deliveries_order_idx', ['subscriber', 'aggregate', 'eventId'], { where: `"state" <> 'done'` })
export class OutboxDeliveryEntity {
  @PrimaryColumn({ type: 'bigint' })
  eventId: string;

  @ManyToOne(() => OutboxEventEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_id' })
  event: OutboxEventEntity;

  /** An EventSubscriber name (`coop.contributions`). */
  @PrimaryColumn({ type: 'text' })
  subscriber: string;

  /** The event's aggregate, copied so the ordering rule reads one index. */
  @Column({ type: 'text' })
  aggregate: string;

  @Column({ type: 'text', default: DeliveryState.Pending })
  state: DeliveryState;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt: Date;

  /** Until then the process that holds `leaseToken` is dispatching it; afterwards anyone may. */
  @Column({ type: 'timestamptz', nullable: true })
  leaseUntil: Date | null;

  @Column({ type: 'uuid', nullable: true })
  leaseToken: string | null;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
