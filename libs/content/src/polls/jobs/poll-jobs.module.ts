import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { type DynamicModule, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { PostsModule } from '../../posts/posts.module';
import { CLOSE_EXPIRED_EVERY_MS, CLOSE_EXPIRED_JOB_OPTIONS, POLLS_QUEUE, PollJob } from './poll-jobs.constants';
import { PollExpiryProcessor } from './poll-expiry.processor';

export interface PollJobsModuleOptions {
  /** Run the processor in this process (the worker, or `npm start`'s all-in-one). */
  worker: boolean;
}

/** The polls' sweep: its queue everywhere (any process may schedule), its processor in workers. */
@Module({})
export class PollJobsModule implements OnApplicationBootstrap {
  constructor(@InjectQueue(POLLS_QUEUE) private readonly queue: Queue) {}

  static forRoot(options: PollJobsModuleOptions): DynamicModule {
    return {
      module: PollJobsModule,
      imports: [PostsModule, BullModule.registerQueue({ name: POLLS_QUEUE })],
      providers: options.worker ? [PollExpiryProcessor] : [],
    };
  }

  /** Every process may call this: the scheduler id makes it one schedule. */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      PollJob.CloseExpired,
      { every: CLOSE_EXPIRED_EVERY_MS },
      { name: PollJob.CloseExpired, data: {}, opts: CLOSE_EXPIRED_JOB_OPTIONS },
    );
  }
}
