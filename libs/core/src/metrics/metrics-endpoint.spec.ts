import type { ConfigService } from '../config/config.service';
import { MetricsEndpoint } from './metrics-endpoint';
import { Metrics } from './metrics.service';

const TOKEN = 'a-metrics-token-of-some-length';
const endpoint = (metricsToken: string | undefined) =>
  new MetricsEndpoint({ values: { metricsToken } } as unknown as ConfigService, new Metrics());

describe('MetricsEndpoint', () => {
  it('answers 404 when METRICS_TOKEN is unset, whatever the request carries', async () => {
    const off = endpoint(undefined);
    expect(off.enabled).toBe(false);
    expect(await off.answer(`Bearer ${TOKEN}`)).toMatchObject({ status: 404, body: 'Not Found\n' });
  });

  it.each([
    [undefined, 'A bearer token is required\n'],
    ['', 'A bearer token is required\n'],
    [`Basic ${TOKEN}`, 'A bearer token is required\n'],
    [`Bearer ${TOKEN.slice(0, -1)}`, 'Invalid bearer token\n'],
    [`Bearer ${TOKEN}x`, 'Invalid bearer token\n'],
    [`Bearer ${TOKEN.toUpperCase()}`, 'Invalid bearer token\n'],
  ])('answers 401 to %p', async (authorization, body) => {
    const answer = await endpoint(TOKEN).answer(authorization);
    expect(answer).toEqual({
      status: 401,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="metrics"' },
      body,
    });
  });

  it('answers the Prometheus text to the right token', async () => {
    const answer = await endpoint(TOKEN).answer(`bearer ${TOKEN}`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(answer.body).toContain('# TYPE guildhall_http_request_duration_seconds histogram');
  });
});
