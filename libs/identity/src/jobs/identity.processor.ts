import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { IDENTITY_QUEUE, IdentityJob } from '../identity.constants';
import { SessionCleanupService } from '../sessions/session-cleanup.service';
import type { CleanupSessionsPayload } from './cleanup-sessions.job';

type IdentityJobName = (typeof IdentityJob)[keyof typeof IdentityJob];

/** Thin: each job name maps to one service call. Runs only in worker processes. */
@Processor(IDENTITY_QUEUE, { concurrency: 2 })
export class IdentityProcessor extends WorkerHost {
  constructor(private readonly sessionCleanup: SessionCleanupService) {
    super();
  }

  async process(job: Job<CleanupSessionsPayload, unknown, IdentityJobName>): Promise<unknown> {
    switch (job.name) {
      case IdentityJob.CleanupSessions:
        return { deleted: await this.sessionCleanup.run() };
    }
  }
}
