import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { FEDERATION_DELIVERY_QUEUE, FederationJob } from '../federation.constants';
import type { DeliveryPayload } from './delivery.job';
import { DeliveryService } from './delivery.service';

type FederationJobName = (typeof FederationJob)[keyof typeof FederationJob];

/**
 * Thin: one delivery batch per job. Runs only in worker processes; concurrency is high because a
 * delivery mostly waits (on the network, and on signing, which runs on the threadpool).
 */
@Processor(FEDERATION_DELIVERY_QUEUE, { concurrency: 16 })
export class DeliveryProcessor extends WorkerHost {
  constructor(private readonly deliveries: DeliveryService) {
    super();
  }

  async process(job: Job<DeliveryPayload, unknown, FederationJobName>): Promise<unknown> {
    switch (job.name) {
      case FederationJob.Deliver:
        return this.deliveries.deliver(job.data);
      case FederationJob.Fedify:
      case FederationJob.FedifyMany:
      case FederationJob.Outbound:
        throw new Error(`${job.name} jobs travel on their own queue`);
    }
  }
}
