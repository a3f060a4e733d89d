import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager, QueryRunner } from 'typeorm';
import { ConfigService } from '../config/config.service';
import { aggregateOf } from './event-aggregate';
import { type Delivery, EventDispatcher } from './event-dispatcher';
import type { DomainEventName, DomainEventPayloads } from './domain-events';
import {
  type EventSubscriberName,
  SUBSCRIBERS_OF,
  type SubscriberHandlers,
  type SubscriberOptions,
} from './event-subscriptions';
import { OutboxRepository, type RowsWrite, type WrittenDelivery } from './outbox.repository';

/** One event for `publishMany`: a name and its payload. */
export type PublishedEvent = { [E in DomainEventName]: { name: E; payload: DomainEventPayloads[E] } }[DomainEventName];

/** What one transaction published, to dispatch once it has committed and given its connection back. */
interface Batch {
  token: string;
  deliveries: Delivery[];
  committed: boolean;
}

/**
 * Domain events through a transactional outbox (docs/adr/0016). `publish` writes the event and
 * one delivery per subscriber with the transaction's EntityManager, so the event exists if and
 * only if the change does. Once that transaction has committed and released its connection, this
 * process delivers the event inline (the caller's `transaction()` resolves after that, so a
 * mutation's notifications and contributions are in place when it answers) under a short lease;
 * the relay (event-relay.service.ts) retries failures with backoff, takes over deliveries whose
 * process died, and parks a delivery that keeps failing as dead for `guildhall events`. A
 * subscriber's failure never fails the write that caused the event, and is never dropped.
 */
@Injectable()
export class DomainEventBus {
  private readonly logger = new Logger(DomainEventBus.name);
  private readonly batches = new WeakMap<QueryRunner, Batch>();
  private readonly leaseMs: number;
  private readonly stallAfterCommitMs: number;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly dispatcher: EventDispatcher,
    config: ConfigService,
  ) {
    this.leaseMs = config.values.events.leaseMs;
    this.stallAfterCommitMs = config.values.events.stallAfterCommitMs;
  }

  /**
   * Registers a subscriber's handlers; a handler throws to have its delivery retried. With
   * `handleMany`, deliveries of the subscriber that are ready together go to it at once (docs/adr/0058).
   */
  subscribe<S extends EventSubscriberName>(
    subscriber: S,
    handlers: SubscriberHandlers<S>,
    options: SubscriberOptions<S> = {},
  ): void {
    this.dispatcher.register(subscriber, handlers, options);
  }

  /** Writes the event in the transaction `manager` belongs to; delivered after it commits. */
  async publish<E extends DomainEventName>(
    manager: EntityManager,
    name: E,
    payload: DomainEventPayloads[E],
  ): Promise<void> {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) {
      throw new Error(`domain event ${name} published outside the transaction that made its change`);
    }
    const subscribers = SUBSCRIBERS_OF.get(name) ?? [];
    if (!subscribers.length) return;
    const batch = this.batchOf(runner);
    const aggregate = aggregateOf(name, payload);
    const occurredAt = new Date();
    const written = await this.outbox.insert(manager, {
      name,
      aggregate,
      payload,
      occurredAt,
      subscribers,
      token: batch.token,
      leaseMs: this.leaseMs,
    });
    queueDeliveries(batch, written, { name, aggregate, payload, occurredAt });
  }

  /**
   * `publish` for many events of one transaction at once (a batch of inbound activities): the
   * events and their deliveries in two statements, delivered after the commit as `publish`'s are.
   */
  async publishMany(manager: EntityManager, events: readonly PublishedEvent[]): Promise<void> {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) {
      throw new Error('domain events published outside the transaction that made their change');
    }
    const subscribed = events
      .map((event) => ({ ...event, subscribers: SUBSCRIBERS_OF.get(event.name) ?? [] }))
      .filter((event) => event.subscribers.length > 0);
    if (!subscribed.length) return;
    const batch = this.batchOf(runner);
    const occurredAt = new Date();
    const rows = subscribed.map((event) => ({
      name: event.name,
      aggregate: aggregateOf(event.name, event.payload),
      payload: event.payload,
      occurredAt,
      subscribers: event.subscribers,
    }));
    const written = await this.outbox.insertMany(manager, rows, batch.token, this.leaseMs);
    written.forEach((event, i) => queueDeliveries(batch, event, rows[i]));
  }

  /**
   * Writes another lib's rows and their events in ONE autocommit statement (no transaction of the
   * caller's): `write` is that lib's INSERT of its own rows, `RETURNING` them with their `id`; each
   * of `events` names the id of the row it is about (`key`), and is written only if that row was
   * (an INSERT … ON CONFLICT DO NOTHING that skips a row skips its event). The rows and the events
   * commit together, as in a transaction, for two round trips fewer (BEGIN, COMMIT) and one
   * statement instead of two; then the events are delivered inline as `publish`'s are after a
   * commit. Returns the rows written, as JSON (dates as ISO strings), in `write`'s order.
   */
  async publishWith(
    write: RowsWrite,
    events: readonly (PublishedEvent & { key: string })[],
  ): Promise<Record<string, unknown>[]> {
    const occurredAt = new Date();
    const rows = events.map((event) => ({
      key: event.key,
      name: event.name,
      aggregate: aggregateOf(event.name, event.payload),
      payload: event.payload,
      occurredAt,
      subscribers: SUBSCRIBERS_OF.get(event.name) ?? [],
    }));
    const batch: Batch = { token: randomUUID(), deliveries: [], committed: true };
    const result = await this.outbox.insertWith(write, rows, batch.token, this.leaseMs);
    const byKey = new Map(rows.map((row) => [row.key, row]));
    for (const event of result.written) queueDeliveries(batch, event, byKey.get(event.key)!);
    if (batch.deliveries.length) await this.dispatch(batch);
    return result.rows;
  }

  /**
   * The runner's batch, hooked on its first event: its top-level commit marks the batch
   * committed, and its release (after the commit or rollback, when the connection is back in
   * the pool, so dispatch never holds two connections) dispatches a committed batch.
   */
  private batchOf(runner: QueryRunner): Batch {
    const existing = this.batches.get(runner);
    if (existing) return existing;
    const batch: Batch = { token: randomUUID(), deliveries: [], committed: false };
    this.batches.set(runner, batch);
    const commit = runner.commitTransaction.bind(runner);
    const release = runner.release.bind(runner);
    runner.commitTransaction = async () => {
      await commit();
      if (!runner.isTransactionActive) batch.committed = true;
    };
    runner.release = async () => {
      this.batches.delete(runner);
      runner.commitTransaction = commit;
      runner.release = release;
      await release();
      if (batch.committed) await this.dispatch(batch);
    };
    return batch;
  }

  private async dispatch(batch: Batch): Promise<void> {
    // Test-only fault injection (TEST_EVENTS_STALL_AFTER_COMMIT_MS): a window to kill the process in.
    if (this.stallAfterCommitMs) await sleep(this.stallAfterCommitMs);
    try {
      await this.dispatcher.dispatchBatch(batch.deliveries, batch.token);
    } catch (error) {
      // The rows stay leased until the lease expires; then the relay delivers them.
      this.logger.error({ msg: 'inline dispatch failed; the relay will deliver', err: error });
    }
  }
}

/** Queues an event's delivery rows, as written, for dispatch once its transaction commits. */
function queueDeliveries(
  batch: Batch,
  written: { eventId: string; deliveries: readonly WrittenDelivery[] },
  event: { name: string; aggregate: string; payload: object; occurredAt: Date },
): void {
  for (const { subscriber, leased } of written.deliveries) {
    batch.deliveries.push({ eventId: written.eventId, subscriber, leased, ...event, attempts: 0 });
  }
}
