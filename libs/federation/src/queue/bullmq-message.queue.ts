import type { MessageQueue, MessageQueueEnqueueOptions, MessageQueueListenOptions } from '@fedify/fedify';
import { Logger } from '@nestjs/common';
import type { QueueMetrics } from '@guildhall/core';
import { type JobsOptions, Queue, type QueueOptions, Worker } from 'bullmq';
import { FEDERATION_QUEUE, FederationJob, type FedifyMessages } from '../federation.constants';
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

/** At most this many inbox messages share one job (those enqueued in one turn of the event loop). */
export const MESSAGES_PER_JOB = 64;

/** How much of the messages-per-job average the last flush's figures weigh less than the one before. */
const AVERAGE_DECAY = 0.98;

/** Whether `message` is one of Fedify's inbox messages (its type tag; anything else is a job of its own). */
function isInboxMessage(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'inbox';
}

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
  /** Jobs and messages enqueued undelayed, recent ones weighing most (see `messagesPerJob`). */
  private readonly enqueued = { jobs: 0, messages: 0 };

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
   * caller's promise settles when its batch is stored — a 202 still means "in the queue". Inbox
   * messages of one turn share a job (`FedifyMany`, up to MESSAGES_PER_JOB): the queue's work per
   * job — the add, the worker's fetch, its lock and its completion, each a Lua script on Redis —
   * is paid once for them rather than once each (ADR 0063).
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
    const jobs = jobsOf(batch.map(({ data }) => data));
    this.average(jobs);
    try {
      await this.queue.addBulk(jobs);
      for (const { settle } of batch) settle();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(`enqueue failed: ${String(error)}`);
      for (const { settle } of batch) settle(failure);
    }
  }

  /** Updates the messages-per-job average of what this process enqueued (the backlog's estimate). */
  private average(jobs: { name: string; data: unknown }[]): void {
    const messages = jobs.reduce(
      (sum, job) => sum + (job.name === FederationJob.FedifyMany ? (job.data as FedifyMessages).messages.length : 1),
      0,
    );
    this.enqueued.jobs = this.enqueued.jobs * AVERAGE_DECAY + jobs.length;
    this.enqueued.messages = this.enqueued.messages * AVERAGE_DECAY + messages;
  }

  /** Recent messages per job of this process's undelayed enqueues (1 before any). */
  get messagesPerJob(): number {
    return this.enqueued.jobs > 0 ? Math.max(1, this.enqueued.messages / this.enqueued.jobs) : 1;
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    const delay = delayMs(options);
    await this.queue.addBulk(messages.map((data) => ({ name: FederationJob.Fedify, data, opts: { delay } })));
  }

  /**
   * Jobs waiting (ready to run, or delayed), and `readyMessages`: the messages the ready ones hold,
   * estimated from the messages per job this process has been enqueueing (a job may hold several).
   */
  async getDepth(): Promise<{ queued: number; ready: number; delayed: number; readyMessages: number }> {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'prioritized');
    const ready = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
    return {
      queued: ready + (counts.delayed ?? 0),
      ready,
      delayed: counts.delayed ?? 0,
      readyMessages: Math.round(ready * this.messagesPerJob),
    };
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
    const run = (message: unknown): Promise<void> => {
      const item = batcher?.accepts(message);
      if (batcher && item) return batcher.submit(item, message, handler);
      return slots.run(() => handler(message));
    };
    const worker = new Worker(
      FEDERATION_QUEUE,
      async (job) => {
        if (job.name !== FederationJob.FedifyMany) return run(job.data);
        // Each message as if it were a job of its own; the job settles once all have (a crash
        // before that runs them all again: inbox processing is idempotent per activity).
        const outcomes = await Promise.allSettled((job.data as FedifyMessages).messages.map(run));
        const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
        if (failed.length) {
          this.logger.warn({ msg: 'inbox messages of a job failed', failed: failed.length, of: outcomes.length });
          throw failed[0].reason;
        }
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

/**
 * The jobs for one turn's undelayed messages, in their order: inbox messages in `FedifyMany` jobs
 * of up to MESSAGES_PER_JOB (a single one as a plain job), every other message a job of its own.
 */
export function jobsOf(messages: readonly unknown[]): { name: string; data: unknown }[] {
  const jobs: { name: string; data: unknown }[] = [];
  let inbox: unknown[] = [];
  const close = () => {
    if (inbox.length === 1) jobs.push({ name: FederationJob.Fedify, data: inbox[0] });
    else if (inbox.length > 1)
      jobs.push({ name: FederationJob.FedifyMany, data: { messages: inbox } satisfies FedifyMessages });
    inbox = [];
  };
  for (const message of messages) {
    if (!isInboxMessage(message)) {
      jobs.push({ name: FederationJob.Fedify, data: message });
      continue;
    }
    inbox.push(message);
    if (inbox.length === MESSAGES_PER_JOB) close();
  }
  close();
  return jobs;
}
