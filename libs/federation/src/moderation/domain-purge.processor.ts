import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { DomainPurgePayload } from './domain-purge.job';
import { type DomainPurgeOutcome, DomainPurgeService } from './domain-purge.service';
import { DOMAIN_PURGE_QUEUE, ModerationJob } from './moderation.constants';

type ModerationJobName = (typeof ModerationJob)[keyof typeof ModerationJob];

/**
 * Thin: one purge run per job. Runs only in worker processes, one purge at a time per process: a
 * purge is write-heavy, and its batches should not compete with each other for the same rows.
 */
@Processor(DOMAIN_PURGE_QUEUE, { concurrency: 1 })
export class DomainPurgeProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(DomainPurgeProcessor.name);

  constructor(private readonly purges: DomainPurgeService) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.purges.resumeUnfinished();
  }

  async process(job: Job<DomainPurgePayload, DomainPurgeOutcome, ModerationJobName>): Promise<DomainPurgeOutcome> {
    switch (job.name) {
      case ModerationJob.PurgeDomain:
        return this.purges.run(job.data);
    }
  }

  /** After the last attempt, the moderators see FAILED (blocking the domain again starts a new run). */
  @OnWorkerEvent('failed')
  async onFailed(job: Job<DomainPurgePayload> | undefined, error: Error): Promise<void> {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    await this.purges.fail(job.data, error).catch((failure: unknown) => {
      this.logger.error({ msg: 'could not record a failed domain purge', ...job.data, error: String(failure) });
    });
  }
}
