import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { PollService } from '../poll.service';
import { POLLS_QUEUE, PollJob } from './poll-jobs.constants';

type PollJobName = (typeof PollJob)[keyof typeof PollJob];

/** Thin: closes the polls that ended, in batches, until none is left. Runs only in worker processes. */
@Processor(POLLS_QUEUE, { concurrency: 1 })
export class PollExpiryProcessor extends WorkerHost {
  constructor(private readonly polls: PollService) {
    super();
  }

  async process(job: Job<Record<string, never>, unknown, PollJobName>): Promise<unknown> {
    switch (job.name) {
      case PollJob.CloseExpired: {
        let closed = 0;
        for (let batch = await this.polls.closeExpired(); batch > 0; batch = await this.polls.closeExpired()) {
          closed += batch;
        }
        return { closed };
      }
    }
  }
}
