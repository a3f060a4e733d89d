import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { MASTODON_PUSH_QUEUE, PushJob } from './push.constants';
import type { PushDeliveryPayload } from './push-delivery.job';
import { PushDelivery, type PushOutcome } from './push-delivery.service';

type PushJobName = (typeof PushJob)[keyof typeof PushJob];

/** Thin: one notification to one subscription per job. Runs only in worker processes. */
@Processor(MASTODON_PUSH_QUEUE, { concurrency: 8 })
export class PushDeliveryProcessor extends WorkerHost {
  constructor(private readonly delivery: PushDelivery) {
    super();
  }

  async process(job: Job<PushDeliveryPayload, PushOutcome, PushJobName>): Promise<PushOutcome> {
    switch (job.name) {
      case PushJob.Deliver:
        return this.delivery.deliver(job.data);
    }
  }
}
