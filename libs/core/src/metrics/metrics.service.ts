import { Injectable, Optional } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import {
  ANONYMOUS_OPERATION,
  type GraphqlOperationType,
  type GraphqlOutcome,
  type JobOutcome,
  METRIC,
  OTHER_OPERATION,
} from './metric-names';
import { ConfigService } from '../config/config.service';
import { processRegistry } from './process-metrics';

/**
 * Distinct GraphQL operation names one process labels; later ones count as `other`. Clients
 * choose the names, so without a cap anyone could grow the series without end (ADR 0048).
 */
export const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const JOB_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const CLOSE_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900];

/**
 * The application's instruments, on a registry of its own (not prom-client's global one: one
 * process may hold several apps, as the tests do, and each counts its own). Libraries record
 * through these typed methods and never import prom-client; every label value is bounded —
 * a route pattern, a code enum's value, a capped operation name — never raw input (ADR 0048).
 * Process metrics (memory, event-loop lag) belong to the process and are rendered alongside.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();
  /**
   * Whether this app records per-request series (HTTP requests and GraphQL operations): only when
   * METRICS_TOKEN is set, since otherwise no `/metrics` serves them and timing every request is
   * work for nothing (3% of a GraphQL HOME page). Without a config (a spec's `new Metrics()`), yes.
   */
  readonly recordsRequests: boolean;

  constructor(@Optional() config?: ConfigService) {
    this.recordsRequests = config ? config.values.metricsToken !== undefined : true;
  }

  private readonly http = new Histogram({
    name: METRIC.httpRequestDuration,
    help: 'HTTP requests by route pattern, method and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  private readonly graphql = new Histogram({
    name: METRIC.graphqlOperationDuration,
    help: 'GraphQL operations over HTTP by operation name, type and outcome.',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  private readonly jobs = new Histogram({
    name: METRIC.jobDuration,
    help: 'Queue jobs this process ran, by queue, job name and outcome (each attempt counts).',
    // Not `job`: Prometheus sets `job` on every series it scrapes (the scrape job's name).
    labelNames: ['queue', 'job_name', 'outcome'] as const,
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });

  private readonly deliveries = new Counter({
    name: METRIC.federationDeliveries,
    help: 'Outbound ActivityPub deliveries (one per inbox and attempt) by outcome and the host state they left.',
    labelNames: ['outcome', 'host_state'] as const,
    registers: [this.registry],
  });

  private readonly inbox = new Counter({
    name: METRIC.inboxActivities,
    help: 'Inbound ActivityPub POSTs by outcome and reason.',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });

  private readonly periodClose = new Histogram({
    name: METRIC.periodClosePhase,
    help: 'Cooperative period closes: seconds per phase.',
    labelNames: ['phase'] as const,
    buckets: CLOSE_BUCKETS,
    registers: [this.registry],
  });

  /** `route` is the matched route's pattern (`/api/v1/statuses/:id`) or UNMATCHED_ROUTE. */
  observeHttpRequest(method: string, route: string, status: number, seconds: number): void {
    if (!this.recordsRequests) return;
    this.http.observe({ method, route, status: String(status) }, seconds);
  }

  observeGraphqlOperation(
    name: string | null | undefined,
    type: GraphqlOperationType,
    outcome: GraphqlOutcome,
    seconds: number,
  ): void {
    if (!this.recordsRequests) return;
    this.graphql.observe({ operation: this.operationLabel(name), type, outcome }, seconds);
  }

  /** `job` is the job's name, from its lib's job-name const. */
  observeJob(queue: string, job: string, outcome: JobOutcome, seconds: number): void {
    this.jobs.observe({ queue, job_name: job, outcome }, seconds);
  }

  /** `outcome` and `hostState` are values of the federation lib's delivery types. */
  countDeliveries(outcome: string, hostState: string, count = 1): void {
    if (count > 0) this.deliveries.inc({ outcome, host_state: hostState }, count);
  }

  /** `reason` is a value of the federation lib's refusal enum, or how an accepted POST was taken. */
  countInboxActivity(outcome: 'accepted' | 'refused', reason: string): void {
    this.inbox.inc({ outcome, reason });
  }

  /** `phase` is a value of the cooperative lib's close-phase type. */
  observePeriodClosePhase(phase: string, seconds: number): void {
    this.periodClose.observe({ phase }, seconds);
  }

  /** The Prometheus text format: this app's series, then the process's. */
  async render(): Promise<string> {
    const [app, processSeries] = await Promise.all([this.registry.metrics(), processRegistry().metrics()]);
    return `${app}\n${processSeries}`;
  }

  readonly contentType = this.registry.contentType;

  /** The names this app's registry and the process registry expose (the dashboard test reads them). */
  names(): string[] {
    return [...this.registry.getMetricsAsArray(), ...processRegistry().getMetricsAsArray()].map((m) => m.name);
  }

  /** One series' current value (a histogram's: its count), 0 when it has none yet. For tests and checks. */
  async sample(name: string, labels: Record<string, string> = {}): Promise<number> {
    const metric = this.registry.getSingleMetric(name);
    if (!metric) throw new Error(`No metric ${name}`);
    const wanted = Object.entries(labels);
    const { values } = await metric.get();
    // Counters and gauges: their values; histograms: the `_count` of each label set.
    const matching = (values as { value: number; labels: Record<string, unknown>; metricName?: string }[]).filter(
      (v) =>
        (v.metricName === undefined || v.metricName === `${name}_count`) &&
        wanted.every(([key, value]) => String(v.labels[key]) === value),
    );
    return matching.reduce((sum, v) => sum + v.value, 0);
  }

  private operationLabel(name: string | null | undefined): string {
    if (!name) return ANONYMOUS_OPERATION;
    if (!OPERATION_NAME.test(name)) return OTHER_OPERATION;
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_NAMES) return OTHER_OPERATION;
    this.operationNames.add(name);
    return name;
  }
}
