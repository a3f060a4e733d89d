import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EventsModule } from '../events/events.module';
import { MetricsEndpoint } from './metrics-endpoint';
import { Metrics } from './metrics.service';
import { OutboxMetrics } from './outbox-metrics';
import { QueueMetrics } from './queue-metrics';

/** Prometheus metrics: one registry per app, the collectors read at scrape time, the endpoint. */
@Global()
@Module({
  imports: [DiscoveryModule, EventsModule],
  providers: [Metrics, QueueMetrics, OutboxMetrics, MetricsEndpoint],
  exports: [Metrics, QueueMetrics, MetricsEndpoint],
})
export class MetricsModule {}
