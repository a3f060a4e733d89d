import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { OutboxRepository } from '../events/outbox.repository';
import { METRIC } from './metric-names';
import { Metrics } from './metrics.service';

/** The domain-event outbox's backlog, read at each scrape (one indexed query for both gauges). */
@Injectable()
export class OutboxMetrics {
  private readonly logger = new Logger(OutboxMetrics.name);
  /** The scrape's one query, shared by both gauges' collect (each scrape asks both). */
  private reading: Promise<{ pending: number; lagSeconds: number } | null> | null = null;

  constructor(metrics: Metrics, outbox: OutboxRepository) {
    const read = () => {
      this.reading ??= outbox
        .pendingLag()
        .catch((error: Error) => {
          this.logger.warn({ msg: 'outbox backlog unavailable', err: error.message });
          return null;
        })
        .finally(() => setImmediate(() => (this.reading = null)));
      return this.reading;
    };
    new Gauge({
      name: METRIC.outboxLag,
      help: 'Seconds the most overdue pending domain-event delivery has been due (0: none overdue).',
      registers: [metrics.registry],
      async collect() {
        const backlog = await read();
        if (backlog) this.set(backlog.lagSeconds);
      },
    });
    new Gauge({
      name: METRIC.outboxPending,
      help: 'Pending domain-event deliveries (due or waiting for a retry).',
      registers: [metrics.registry],
      async collect() {
        const backlog = await read();
        if (backlog) this.set(backlog.pending);
      },
    });
  }
}
