import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { ConfigService } from '../config/config.service';
import { EventDispatcher } from './event-dispatcher';
import { EVENTS_CHANNEL, OutboxRepository } from './outbox.repository';

/** The safety poll: deliveries written by another process, or a NOTIFY lost with its connection. */
const POLL_MS = 5_000;
/** Deliveries claimed per round (of different aggregates: run side by side). */
const CLAIM_BATCH = 32;
/** Delivered events are kept this long (for a steward's questions), then pruned. */
const RETAIN_MS = 24 * 3_600_000;
const PRUNE_EVERY_MS = 10 * 60_000;
const PRUNE_BATCH = 5_000;

/**
 * The worker's side of the outbox (docs/adr/0016): delivers what inline dispatch could not —
 * retries when due, deliveries whose process died once their lease expires, events a process
 * without that subscriber wrote — claiming with FOR UPDATE SKIP LOCKED so several workers deliver
 * each once. Woken by NOTIFY (a failure, a release, a retry, an unblocked aggregate), sleeps
 * until the next delivery is due, and polls every few seconds besides. Prunes delivered events.
 */
@Injectable()
export class EventRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EventRelay.name);
  private readonly leaseMs: number;
  private listener: Client | null = null;
  private loop: Promise<void> | null = null;
  private stopped = false;
  private nudged = false;
  private wake: (() => void) | null = null;
  private lastPrune = 0;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly dispatcher: EventDispatcher,
    private readonly config: ConfigService,
  ) {
    this.leaseMs = config.values.events.leaseMs;
  }

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.listener) await this.listen();
        if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) await this.prune();
        this.nudged = false;
        const token = randomUUID();
        const subscribers = this.dispatcher.subscribers;
        const claimed = await this.outbox.claim(subscribers, token, this.leaseMs, CLAIM_BATCH);
        if (claimed.length) {
          await this.dispatcher.dispatchClaimed(claimed, token);
          continue;
        }
        const dueMs = await this.outbox.nextDueMs(subscribers);
        await this.sleep(dueMs === null ? POLL_MS : Math.min(Math.max(dueMs, 10), POLL_MS));
      } catch (error) {
        if (this.stopped) break;
        this.logger.error({ msg: 'event relay round failed', err: error });
        await this.sleep(POLL_MS);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.nudged || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  /** LISTEN on a connection of its own; if it drops, the poll carries on until the next round reconnects. */
  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'guildhall-events' });
    client.on('notification', () => {
      this.nudged = true;
      this.wake?.();
    });
    client.on('error', (error) => {
      this.logger.warn({ msg: 'event relay lost its LISTEN connection', err: error });
      if (this.listener === client) this.listener = null;
      client.end().catch(() => undefined);
    });
    await client.connect();
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.listener = client;
  }

  private async prune(): Promise<void> {
    this.lastPrune = Date.now();
    let pruned = 0;
    for (let batch = PRUNE_BATCH; batch === PRUNE_BATCH && !this.stopped;) {
      batch = await this.outbox.prune(RETAIN_MS, PRUNE_BATCH);
      pruned += batch;
    }
    if (pruned) this.logger.log({ msg: 'pruned delivered domain events', pruned });
  }
}
