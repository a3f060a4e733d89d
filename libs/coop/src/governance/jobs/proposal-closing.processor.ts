import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { GovernanceService } from '../governance.service';
import { GOVERNANCE_QUEUE, GovernanceJob } from './governance-jobs.constants';

type GovernanceJobName = (typeof GovernanceJob)[keyof typeof GovernanceJob];

/** Thin: decides the proposals whose window passed, in batches, until none is left. Worker processes only. */
@Processor(GOVERNANCE_QUEUE, { concurrency: 1 })
export class ProposalClosingProcessor extends WorkerHost {
  constructor(private readonly governance: GovernanceService) {
    super();
  }

  async process(job: Job<Record<string, never>, unknown, GovernanceJobName>): Promise<unknown> {
    switch (job.name) {
      case GovernanceJob.CloseDue: {
        const now = new Date();
        let decided = 0;
        for (let batch = await this.governance.closeDue(now); batch > 0; batch = await this.governance.closeDue(now)) {
          decided += batch;
        }
        return { decided };
      }
    }
  }
}
