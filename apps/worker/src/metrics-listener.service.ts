import { createServer, type Server } from 'node:http';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService, MetricsEndpoint } from '@guildhall/core';

/**
 * The worker serves no HTTP but its metrics (job durations, deliveries, queue depths happen here):
 * with METRICS_TOKEN set, `GET /metrics` on WORKER_METRICS_PORT, bearer-protected as the server's.
 * Nothing else answers there (404), and nothing listens at all without the token.
 */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsListener.name);
  private server: Server | undefined;

  constructor(
    private readonly config: ConfigService,
    private readonly endpoint: MetricsEndpoint,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.endpoint.enabled) return;
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (request.method !== 'GET' || path !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found\n');
        return;
      }
      this.endpoint.answer(request.headers.authorization).then(
        (answer) => response.writeHead(answer.status, answer.headers).end(answer.body),
        (error: Error) => {
          this.logger.error({ msg: 'metrics scrape failed', err: error.message });
          response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Scrape failed\n');
        },
      );
    });
    const { host, workerMetricsPort } = this.config.values;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(workerMetricsPort, host, () => resolve());
    });
    this.server = server;
    this.logger.log({ msg: 'worker metrics listening', host, port: workerMetricsPort });
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The bound port (WORKER_METRICS_PORT, or the one the OS chose for 0), null when not listening. */
  get port(): number | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address.port : null;
  }
}
