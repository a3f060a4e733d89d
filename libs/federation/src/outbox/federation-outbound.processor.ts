import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { FEDERATION_OUTBOUND_QUEUE, FederationJob } from '../federation.constants';
import { OutboundActivityService } from './outbound-activity.service';
import type { OutboundResult } from './outbound-delivery';
import type { OutboundEventPayload } from './outbound.job';

type FederationJobName = (typeof FederationJob)[keyof typeof FederationJob];

/** Thin: each outbound job is one service call. Runs only in worker processes. */
@Processor(FEDERATION_OUTBOUND_QUEUE, { concurrency: 8 })
export class FederationOutboundProcessor extends WorkerHost {
  constructor(private readonly outbound: OutboundActivityService) {
    super();
  }

  async process(job: Job<OutboundEventPayload, OutboundResult, FederationJobName>): Promise<OutboundResult> {
    switch (job.name) {
      case FederationJob.Outbound:
        return this.outbound.handle(job.data);
      case FederationJob.Fedify:
      case FederationJob.Deliver:
        throw new Error(`${job.name} jobs travel on their own queue`);
    }
  }
}
