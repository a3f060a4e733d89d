import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { type DynamicModule, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { CoopModule } from '../../coop.module';
import {
  CLOSE_DUE_EVERY_MS,
  CLOSE_DUE_JOB_OPTIONS,
  GOVERNANCE_QUEUE,
  GovernanceJob,
} from './governance-jobs.constants';
import { ProposalClosingProcessor } from './proposal-closing.processor';

export interface GovernanceJobsModuleOptions {
  /** Run the processor in this process (the worker, or `npm start`'s all-in-one). */
  worker: boolean;
}

/**
 * Proposal windows close on their own: the sweep's schedule from every process (one schedule by
 * its id), its processor in workers. `closeProposal` stays for admins closing a vote early.
 */
@Module({})
export class GovernanceJobsModule implements OnApplicationBootstrap {
  constructor(@InjectQueue(GOVERNANCE_QUEUE) private readonly queue: Queue) {}

  static forRoot(options: GovernanceJobsModuleOptions): DynamicModule {
    return {
      module: GovernanceJobsModule,
      imports: [CoopModule, BullModule.registerQueue({ name: GOVERNANCE_QUEUE })],
      providers: options.worker ? [ProposalClosingProcessor] : [],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      GovernanceJob.CloseDue,
      { every: CLOSE_DUE_EVERY_MS },
      { name: GovernanceJob.CloseDue, data: {}, opts: CLOSE_DUE_JOB_OPTIONS },
    );
  }
}
