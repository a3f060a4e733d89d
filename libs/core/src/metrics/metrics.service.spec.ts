import type { ConfigService } from '../config/config.service';
import { METRIC } from './metric-names';
import { MAX_OPERATION_NAMES, Metrics } from './metrics.service';

describe('Metrics', () => {
  it('keeps one registry per instance: two apps in one process count apart', async () => {
    const one = new Metrics();
    const other = new Metrics();
    one.observeHttpRequest('GET', '/api/v1/accounts/:id', 200, 0.012);
    one.observeHttpRequest('GET', '/api/v1/accounts/:id', 200, 0.3);
    other.observeHttpRequest('GET', '/api/v1/accounts/:id', 200, 0.01);

    const labels = { method: 'GET', route: '/api/v1/accounts/:id', status: '200' };
    expect(await one.sample(METRIC.httpRequestDuration, labels)).toBe(2);
    expect(await other.sample(METRIC.httpRequestDuration, labels)).toBe(1);
  });

  it('records requests and operations only when METRICS_TOKEN is set; every other series either way', async () => {
    const configured = (metricsToken: string | undefined) => ({ values: { metricsToken } }) as unknown as ConfigService;
    const off = new Metrics(configured(undefined));
    const on = new Metrics(configured('a-metrics-token-of-16+'));
    for (const metrics of [off, on]) {
      metrics.observeHttpRequest('GET', '/api/v1/timelines/home', 200, 0.02);
      metrics.observeGraphqlOperation('Home', 'query', 'success', 0.02);
      metrics.countInboxActivity('accepted', 'single');
    }
    const http = { method: 'GET', route: '/api/v1/timelines/home', status: '200' };
    const graphql = { operation: 'Home', type: 'query', outcome: 'success' };
    const inbox = { outcome: 'accepted', reason: 'single' };
    expect([off.recordsRequests, on.recordsRequests]).toEqual([false, true]);
    expect(await off.sample(METRIC.httpRequestDuration, http)).toBe(0);
    expect(await off.sample(METRIC.graphqlOperationDuration, graphql)).toBe(0);
    expect(await on.sample(METRIC.httpRequestDuration, http)).toBe(1);
    expect(await on.sample(METRIC.graphqlOperationDuration, graphql)).toBe(1);
    expect(await off.sample(METRIC.inboxActivities, inbox)).toBe(1);
    expect(await on.sample(METRIC.inboxActivities, inbox)).toBe(1);
  });

  it('renders its series and the process series in the Prometheus text format', async () => {
    const metrics = new Metrics();
    metrics.countInboxActivity('refused', 'missing_signature');
    metrics.countDeliveries('delivered', 'up', 3);
    metrics.countDeliveries('skipped', 'unavailable', 0);
    metrics.observePeriodClosePhase('engine', 0.2);
    const text = await metrics.render();

    expect(metrics.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(text).toContain('guildhall_inbox_activities_total{outcome="refused",reason="missing_signature"} 1\n');
    expect(text).toContain('guildhall_federation_deliveries_total{outcome="delivered",host_state="up"} 3\n');
    // A count of 0 makes no series.
    expect(text).not.toContain('outcome="skipped"');
    expect(text).toContain('guildhall_period_close_phase_seconds_bucket{le="0.5",phase="engine"} 1\n');
    expect(text).toContain('guildhall_period_close_phase_seconds_bucket{le="0.1",phase="engine"} 0\n');
    expect(text).toMatch(/^guildhall_process_resident_memory_bytes \d+$/m);
    expect(text).toMatch(/^# TYPE guildhall_nodejs_eventloop_lag_seconds gauge$/m);
  });

  it('names every instrument with the guildhall_ prefix', () => {
    const names = new Metrics().names();
    expect(names).toEqual(
      expect.arrayContaining([
        METRIC.httpRequestDuration,
        METRIC.graphqlOperationDuration,
        METRIC.jobDuration,
        METRIC.federationDeliveries,
        METRIC.inboxActivities,
        METRIC.periodClosePhase,
        'guildhall_process_resident_memory_bytes',
        'guildhall_nodejs_eventloop_lag_seconds',
      ]),
    );
    expect(names.every((name) => name.startsWith('guildhall_'))).toBe(true);
  });

  it('bounds GraphQL operation names: anonymous, malformed and past the cap each have one label', async () => {
    const metrics = new Metrics();
    const count = (operation: string) =>
      metrics.sample(METRIC.graphqlOperationDuration, { operation, type: 'query', outcome: 'success' });
    metrics.observeGraphqlOperation(undefined, 'query', 'success', 0.01);
    metrics.observeGraphqlOperation(null, 'query', 'success', 0.01);
    metrics.observeGraphqlOperation('x'.repeat(65), 'query', 'success', 0.01);
    for (let i = 0; i < MAX_OPERATION_NAMES + 5; i++) {
      metrics.observeGraphqlOperation(`Op${i}`, 'query', 'success', 0.01);
    }
    // A name seen before the cap keeps its label.
    metrics.observeGraphqlOperation('Op0', 'query', 'success', 0.01);

    expect(await count('anonymous')).toBe(2);
    expect(await count('Op0')).toBe(2);
    expect(await count(`Op${MAX_OPERATION_NAMES - 1}`)).toBe(1);
    expect(await count(`Op${MAX_OPERATION_NAMES}`)).toBe(0);
    expect(await count('other')).toBe(1 + 5);
  });
});
