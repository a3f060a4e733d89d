import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import type { DomainEventName } from './domain-events';
import {
  type BatchHandler,
  EVENT_SUBSCRIPTIONS,
  type EventHandler,
  type EventMeta,
  type EventSubscriberName,
  type SubscribedDelivery,
  type SubscriberHandlers,
  type SubscriberOptions,
} from './event-subscriptions';
import { DoneMarks } from './done-marks';
import { aggregateHoldsOneEvent } from './event-aggregate';
import { deliverInOrder } from './in-order';
import { DeliveryState } from './outbox-delivery.entity';
import { type ClaimedDelivery, type DeliveryKey, OutboxRepository } from './outbox.repository';
import { afterFailure, type RetryPolicy } from './retry-policy';

/** A delivery ready to run: the event, and the subscriber it goes to. */
export interface Delivery extends DeliveryKey {
  name: string;
  aggregate: string;
  payload: object;
  occurredAt: Date;
  /** Failed tries so far. */
  attempts: number;
  leased: boolean;
}

const MAX_ERROR_CHARS = 2_000;

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, MAX_ERROR_CHARS);
}

/**
 * Runs subscribers' handlers for outbox deliveries and records each outcome in the delivery's own
 * row: done, or failed with a retry time, or dead after the last attempt. One subscriber's
 * failure touches only its row. Used inline after commit and by the relay.
 */
@Injectable()
export class EventDispatcher implements BeforeApplicationShutdown {
  private readonly logger = new Logger(EventDispatcher.name);
  private readonly handlers = new Map<EventSubscriberName, Map<DomainEventName, EventHandler<DomainEventName>>>();
  private readonly batchHandlers = new Map<EventSubscriberName, BatchHandler<EventSubscriberName>>();
  private readonly policy: RetryPolicy;
  private readonly doneMarks: DoneMarks;

  constructor(
    private readonly outbox: OutboxRepository,
    config: ConfigService,
  ) {
    this.policy = config.values.events;
    this.doneMarks = new DoneMarks((keys) => this.outbox.markDone(keys));
  }

  /** Writes the done marks still queued (after the relay and the HTTP server have stopped). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.doneMarks.flush();
  }

  /**
   * Registers a subscriber's handlers (one per event EVENT_SUBSCRIPTIONS lists for it), and its
   * batch handler if it has one (docs/adr/0058).
   */
  register<S extends EventSubscriberName>(
    subscriber: S,
    handlers: SubscriberHandlers<S>,
    options: SubscriberOptions<S> = {},
  ): void {
    const expected = [...EVENT_SUBSCRIPTIONS[subscriber]].sort();
    const given = Object.keys(handlers).sort();
    if (expected.join() !== given.join()) {
      throw new Error(`${subscriber} must handle exactly ${expected.join(', ')}; it handles ${given.join(', ')}`);
    }
    this.handlers.set(
      subscriber,
      new Map(Object.entries(handlers) as [DomainEventName, EventHandler<DomainEventName>][]),
    );
    if (options.handleMany) {
      this.batchHandlers.set(subscriber, options.handleMany as unknown as BatchHandler<EventSubscriberName>);
    } else {
      this.batchHandlers.delete(subscriber);
    }
  }

  /** The subscribers this process can run. */
  get subscribers(): EventSubscriberName[] {
    return [...this.handlers.keys()];
  }

  /**
   * Delivers what one transaction published, held under `token`: each subscriber in parallel,
   * its deliveries in order. What this process cannot run, or may not run yet, goes to the relay.
   */
  async dispatchBatch(deliveries: Delivery[], token: string): Promise<void> {
    const bySubscriber = new Map<string, Delivery[]>();
    for (const delivery of deliveries) {
      bySubscriber.set(delivery.subscriber, [...(bySubscriber.get(delivery.subscriber) ?? []), delivery]);
    }
    const done: Delivery[] = [];
    const released: DeliveryKey[] = [];
    await Promise.all(
      [...bySubscriber].map(async ([subscriber, list]) => {
        if (!this.handlers.has(subscriber as EventSubscriberName)) {
          released.push(...list.filter((d) => d.leased));
          return;
        }
        const many = this.batchHandlers.has(subscriber as EventSubscriberName)
          ? (batch: Delivery[]) => this.runMany(subscriber as EventSubscriberName, batch)
          : undefined;
        const outcome = await deliverInOrder(list, (delivery) => this.run(delivery), many);
        done.push(...outcome.done);
        released.push(...outcome.released);
        await Promise.all(outcome.failed.map(({ delivery, error }) => this.failed(delivery, token, error)));
      }),
    );
    // Awaited (a later event of the aggregate, in the caller's next mutation, must not find this one
    // undelivered and go to the relay), but coalesced with concurrent dispatches' and not flushed to disk.
    // Not awaited when no later event can share an aggregate with these (a notification's events,
    // dispatched inside the notifications subscriber's own delivery): the mark then rides with the
    // outer delivery's, one UPDATE instead of two in a row (docs/adr/0058).
    if (done.length && done.every((delivery) => aggregateHoldsOneEvent(delivery.name))) {
      this.doneMarks.add(done).catch((error: unknown) => {
        // The lease expires and the relay redelivers to the idempotent subscriber.
        this.logger.warn({ msg: 'done marks not written; the relay will redeliver', err: error });
      });
    } else if (done.length) {
      await this.doneMarks.add(done);
    }
    if (released.length) await this.outbox.release(released, token);
  }

  /**
   * Delivers deliveries a relay claimed under `token` (no two of one aggregate): a subscriber with
   * a batch handler gets its deliveries together (one by one if that throws), the others each on
   * their own; all side by side.
   */
  async dispatchClaimed(claimed: ClaimedDelivery[], token: string): Promise<void> {
    const done: DeliveryKey[] = [];
    const runEach = (list: ClaimedDelivery[]) =>
      Promise.all(
        list.map(async (delivery) => {
          try {
            await this.run(delivery);
            done.push(delivery);
          } catch (error) {
            await this.failed(delivery, token, error);
          }
        }),
      );
    const batched = new Map<EventSubscriberName, ClaimedDelivery[]>();
    const single: ClaimedDelivery[] = [];
    for (const delivery of claimed) {
      const subscriber = delivery.subscriber as EventSubscriberName;
      if (this.batchHandlers.has(subscriber)) batched.set(subscriber, [...(batched.get(subscriber) ?? []), delivery]);
      else single.push(delivery);
    }
    await Promise.all([
      runEach(single),
      ...[...batched].map(async ([subscriber, list]) => {
        if (list.length < 2) return runEach(list);
        try {
          await this.runMany(subscriber, list);
          done.push(...list);
        } catch {
          await runEach(list);
        }
      }),
    ]);
    // Awaited: the relay claims its next round once this one is marked (a later event of the aggregate waits on it).
    if (done.length) await this.doneMarks.add(done);
  }

  private async run(delivery: Omit<Delivery, 'leased'>): Promise<void> {
    const handler = this.handlers
      .get(delivery.subscriber as EventSubscriberName)
      ?.get(delivery.name as DomainEventName);
    if (!handler) throw new Error(`${delivery.subscriber} has no handler for ${delivery.name} in this process`);
    const meta: EventMeta = { id: delivery.eventId, occurredAt: delivery.occurredAt };
    await handler(delivery.payload as never, meta);
  }

  /** One subscriber's deliveries (distinct aggregates) through its batch handler; throws when it does. */
  private async runMany(subscriber: EventSubscriberName, deliveries: Omit<Delivery, 'leased'>[]): Promise<void> {
    const handleMany = this.batchHandlers.get(subscriber);
    if (!handleMany) throw new Error(`${subscriber} has no batch handler in this process`);
    const batch = deliveries.map(
      (delivery) =>
        ({
          name: delivery.name,
          payload: delivery.payload,
          meta: { id: delivery.eventId, occurredAt: delivery.occurredAt },
        }) as SubscribedDelivery<EventSubscriberName>,
    );
    try {
      await handleMany(batch);
    } catch (error) {
      this.logger.warn({
        msg: 'batch delivery failed; delivering one by one',
        subscriber,
        deliveries: deliveries.length,
        err: error,
      });
      throw error;
    }
  }

  private async failed(delivery: Omit<Delivery, 'leased'>, token: string, error: unknown): Promise<void> {
    const attempts = delivery.attempts + 1;
    const next = afterFailure(attempts, this.policy);
    const context = {
      eventId: delivery.eventId,
      event: delivery.name,
      subscriber: delivery.subscriber,
      attempts,
      err: error,
    };
    if (next.state === 'dead') {
      this.logger.error({ msg: 'domain event parked after its last attempt (guildhall events)', ...context });
    } else {
      this.logger.warn({ msg: 'domain event delivery failed; will retry', retryInMs: next.delayMs, ...context });
    }
    await this.outbox.markFailed({
      eventId: delivery.eventId,
      subscriber: delivery.subscriber,
      token,
      attempts,
      state: next.state === 'dead' ? DeliveryState.Dead : DeliveryState.Pending,
      delayMs: next.state === 'dead' ? 0 : next.delayMs,
      error: describe(error),
    });
  }
}
