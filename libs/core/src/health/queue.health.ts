import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Queue } from 'bullmq';
import { ConfigService } from '../config/config.service';
import { SYSTEM_QUEUE } from '../queue/queue.constants';

@Injectable()
export class QueueHealthIndicator {
  constructor(
    @InjectQueue(SYSTEM_QUEUE) private readonly queue: Queue,
    private readonly indicators: HealthIndicatorService,
    private readonly config: ConfigService,
  ) {}

  async isHealthy(key: string, timeoutMs = 2000) {
    const indicator = this.indicators.check(key);
    const backend = this.config.queueBackend;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      });
      const counts = await Promise.race([this.queue.getJobCounts('waiting', 'active', 'failed'), timeout]);
      return indicator.up({ backend, ...counts });
    } catch (error) {
      return indicator.down({ backend, message: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}
