import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { FederationService } from '../federation.service';

/**
 * Worker processes only: runs Fedify's queued work (inbox activities, fan-outs, deliveries) until
 * shutdown. Servers without a worker only enqueue (`manuallyStartQueue`).
 */
@Injectable()
export class FederationQueueRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FederationQueueRunner.name);
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;

  constructor(private readonly federation: FederationService) {}

  onApplicationBootstrap(): void {
    this.running = this.federation.federation
      .startQueue(undefined, { signal: this.abort.signal })
      .catch((err: unknown) => this.logger.error({ msg: 'federation queue stopped', err }));
  }

  async onModuleDestroy(): Promise<void> {
    this.abort.abort();
    await this.running;
  }
}
