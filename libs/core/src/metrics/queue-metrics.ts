import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import { type Job, Queue, type Worker } from 'bullmq';
import { Gauge } from 'prom-client';
import { METRIC, QUEUE_STATES } from './metric-names';
import { Metrics } from './metrics.service';

/** A scrape never waits longer than this for a queue backend (a down Redis must not hang it). */
const COUNT_TIMEOUT_MS = 2_000;

/**
 * Queue depths, read at each scrape from every queue this process knows (those registered with
 * BullModule, found at bootstrap, plus any a lib builds itself and hands to `watchQueue`), and
 * job durations from the events of every worker this process runs (the `@Processor`s, found at
 * bootstrap, plus `watchWorker`).
 */
@Injectable()
export class QueueMetrics implements OnApplicationBootstrap {
  private readonly logger = new Logger(QueueMetrics.name);
  private readonly queues = new Map<string, Queue>();
  private readonly watchedWorkers = new WeakSet<Worker>();

  constructor(
    private readonly metrics: Metrics,
    private readonly discovery: DiscoveryService,
  ) {
    const queues = this.queues;
    const logger = this.logger;
    new Gauge({
      name: METRIC.queueDepth,
      help: 'Jobs per queue and state, read at scrape time.',
      labelNames: ['queue', 'state'] as const,
      registers: [metrics.registry],
      async collect() {
        this.reset();
        await Promise.all(
          [...queues.values()].map(async (queue) => {
            try {
              const counts = await withTimeout(queue.getJobCounts(...QUEUE_STATES), COUNT_TIMEOUT_MS);
              for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
            } catch (error) {
              logger.warn({ msg: 'queue depth unavailable', queue: queue.name, err: (error as Error).message });
            }
          }),
        );
      },
    });
  }

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance instanceof Queue) this.watchQueue(instance as Queue);
      // A WorkerHost's worker exists once BullMQ's explorer ran (onModuleInit).
      if (instance instanceof WorkerHost) this.watchWorker(instance.worker as Worker);
    }
  }

  /** Reports this queue's depth (one per name: modules registering the same queue share it). */
  watchQueue(queue: Queue): void {
    if (!this.queues.has(queue.name)) this.queues.set(queue.name, queue);
  }

  /** Times every job this worker finishes or fails (each attempt). */
  watchWorker(worker: Worker): void {
    if (this.watchedWorkers.has(worker)) return;
    this.watchedWorkers.add(worker);
    worker.on('completed', (job: Job) => this.observe(worker.name, job, 'completed'));
    worker.on('failed', (job: Job | undefined) => {
      if (job) this.observe(worker.name, job, 'failed');
    });
  }

  private observe(queue: string, job: Job, outcome: 'completed' | 'failed'): void {
    if (!job.processedOn) return;
    // A failure to be retried has no finishedOn: it ended now.
    const ms = (job.finishedOn ?? Date.now()) - job.processedOn;
    this.metrics.observeJob(queue, job.name, outcome, Math.max(0, ms) / 1000);
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
