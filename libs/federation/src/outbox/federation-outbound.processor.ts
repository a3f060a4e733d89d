import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { FEDERATION_OUTBOUND_QUEUE, FederationJob } from '../federation.constants';
import { OutboundActivityService } from './outbound-activity.service';
import type { OutboundResult } from './outbound-delivery';
import type { OutboundEventPayload } from './outbound.job';

type FederationJobName = (typeof FederationJob)[keyof typeof FederationJob];

/** Thin: each outbound job is one service call. Runs only in worker processes. */
@Processor(FEDERATION_OUTBOUND_QUEUE, { concurrency: 8 })
export class FederationOutboundProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(FederationOutboundProcessor.name);

  constructor(private readonly outbound: OutboundActivityService) {
    super();
  }

  /** Warms the activity serializers in the background: startup does not wait for it. */
  onApplicationBootstrap(): void {
    this.outbound.warmUp().catch((error: unknown) => this.logger.warn({ msg: 'warm-up failed', err: error }));
  }

  async process(job: Job<OutboundEventPayload, OutboundResult, FederationJobName>): Promise<OutboundResult> {
    switch (job.name) {
      case FederationJob.Outbound:
        return this.outbound.handle(job.data);
      case FederationJob.Fedify:
      case FederationJob.FedifyMany:
      case FederationJob.Deliver:
        throw new Error(`${job.name} jobs travel on their own queue`);
    }
  }
}
