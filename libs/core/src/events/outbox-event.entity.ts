import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One domain event, written in the transaction that made the change it reports (transactional
 * outbox, docs/adr/0016). Its id orders the events of an aggregate; delivered events are pruned.
 */
@Entity('domain_events')
export class OutboxEventEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  /** A DomainEventName. */
  @Column({ type: 'text' })
  name: string;

  /** What the event is about (`like:<account>:<post>`): events of one aggregate reach a subscriber in order. */
  @Column({ type: 'text' })
  aggregate: string;

  @Column({ type: 'jsonb' })
  payload: object;

  /** When the publisher saw it: activity ids derived from the time stay the same on every delivery. */
  @Column({ type: 'timestamptz' })
  occurredAt: Date;
}
