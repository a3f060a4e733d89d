import type { MessageQueue, MessageQueueEnqueueOptions, MessageQueueListenOptions } from '@fedify/fedify';
import { Logger } from '@nestjs/common';
import type { QueueMetrics } from '@guildhall/core';
import { type JobsOptions, Queue, type QueueOptions, Worker } from 'bullmq';
import { FEDERATION_QUEUE, FederationJob } from '../federation.constants';
import type { InboxBatcher } from '../inbox/inbox-batcher';

/**
 * Fedify retries by re-enqueueing with a delay (its own policies), so a BullMQ job runs once.
 * Fedify's delivery messages carry the sender's private key (as a JWK): a finished job is removed
 * at once, and a failed one (a crash, not a refused delivery) kept only a day for diagnosis.
 */
const JOB_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: true,
  removeOnFail: { age: 86_400, count: 1_000 },
};

function delayMs(options?: MessageQueueEnqueueOptions): number | undefined {
  const ms = options?.delay?.total('millisecond');
  return ms === undefined || ms <= 0 ? undefined : Math.ceil(ms);
}

/**
 * Fedify's message queue on BullMQ (Redis, or PostgreSQL without REDIS_URL), so inbox work,
 * fan-out and deliveries survive restarts and run in worker processes. `orderingKey` is not
 * honoured: BullMQ has no per-key serial groups outside its paid edition (ADR 0008).
 */
export class BullMqMessageQueue implements MessageQueue {
  readonly nativeRetrial = false;
  private readonly logger = new Logger(BullMqMessageQueue.name);
  private readonly queue: Queue;
  /** Undelayed messages waiting for this turn of the event loop's batch (see enqueue). */
  private pending: { data: unknown; settle: (error?: Error) => void }[] = [];

  constructor(
    private readonly connection: Record<string, unknown>,
    private readonly concurrency: number,
    private readonly metrics: QueueMetrics,
    private readonly batcher?: InboxBatcher,
  ) {
    this.queue = new Queue(FEDERATION_QUEUE, {
      ...(connection as unknown as QueueOptions),
      defaultJobOptions: JOB_OPTIONS,
    });
    metrics.watchQueue(this.queue);
  }

  /**
   * Undelayed messages (every inbox POST's) are added in batches: those enqueued in the same turn
   * of the event loop go to Redis in one `addBulk` (one round trip, one transaction), and each
   * caller's promise settles when its batch is stored — a 202 still means "in the queue".
   */
  async enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    const delay = delayMs(options);
    if (delay !== undefined) {
      await this.queue.add(FederationJob.Fedify, message, { delay });
      return;
    }
    await new Promise<void>((resolve, reject) => {
      this.pending.push({ data: message, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      await this.queue.addBulk(batch.map(({ data }) => ({ name: FederationJob.Fedify, data })));
      for (const { settle } of batch) settle();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(`enqueue failed: ${String(error)}`);
      for (const { settle } of batch) settle(failure);
    }
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    const delay = delayMs(options);
    await this.queue.addBulk(messages.map((data) => ({ name: FederationJob.Fedify, data, opts: { delay } })));
  }

  async getDepth(): Promise<{ queued: number; ready: number; delayed: number }> {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'prioritized');
    const ready = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
    return { queued: ready + (counts.delayed ?? 0), ready, delayed: counts.delayed ?? 0 };
  }

  /** Runs `handler` for each message until `signal` aborts (worker processes only). */
  async listen(
    handler: (message: unknown) => Promise<void> | void,
    options?: MessageQueueListenOptions,
  ): Promise<void> {
    // Up to `concurrency` messages run alone (deliveries, fan-outs, most inbox work), as before;
    // more are taken for the InboxBatcher (the batches running and one gathering meanwhile),
    // which applies them together (ADR 0057).
    const batcher = this.batcher;
    const extra = batcher ? batcher.jobsInFlight : 0;
    const slots = new Slots(this.concurrency);
    const worker = new Worker(
      FEDERATION_QUEUE,
      async (job) => {
        const item = batcher?.accepts(job.data);
        if (batcher && item) return batcher.submit(item, job.data, handler);
        return slots.run(() => handler(job.data));
      },
      { ...(this.connection as unknown as QueueOptions), concurrency: this.concurrency + extra },
    );
    worker.on('error', (err) => this.logger.error({ msg: 'federation worker error', err }));
    this.metrics.watchWorker(worker);
    await new Promise<void>((resolve) => {
      if (options?.signal?.aborted) resolve();
      options?.signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    await worker.close();
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** At most `size` callers run at once; the others wait their turn, first come first served. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async run<T>(work: () => Promise<T> | T): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    }
  }
}
