import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { Metrics } from './metrics.service';

/** What `GET /metrics` answers: a status, its headers and a text body. */
export interface MetricsAnswer {
  status: 200 | 401 | 404;
  headers: Record<string, string>;
  body: string;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

const TEXT = 'text/plain; charset=utf-8';

/**
 * `GET /metrics` for any HTTP front (the server's Fastify route, the worker's small listener):
 * 404 when METRICS_TOKEN is unset (nothing to find), 401 without the right bearer token (compared
 * in constant time, on digests so the length leaks nothing either), else the Prometheus text.
 */
@Injectable()
export class MetricsEndpoint {
  private readonly token: Buffer | null;

  constructor(
    config: ConfigService,
    private readonly metrics: Metrics,
  ) {
    const token = config.values.metricsToken;
    this.token = token ? digest(token) : null;
  }

  get enabled(): boolean {
    return this.token !== null;
  }

  async answer(authorization: string | undefined): Promise<MetricsAnswer> {
    if (!this.token) return { status: 404, headers: { 'content-type': TEXT }, body: 'Not Found\n' };
    const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (given === undefined || !timingSafeEqual(digest(given), this.token)) {
      return {
        status: 401,
        headers: { 'content-type': TEXT, 'www-authenticate': 'Bearer realm="metrics"' },
        body: given === undefined ? 'A bearer token is required\n' : 'Invalid bearer token\n',
      };
    }
    return {
      status: 200,
      headers: { 'content-type': this.metrics.contentType, 'cache-control': 'no-store' },
      body: await this.metrics.render(),
    };
  }
}
