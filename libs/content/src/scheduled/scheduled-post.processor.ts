import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { PostService } from '../posts/post.service';
import { ScheduledPostService } from './scheduled-post.service';
import {
  CONTENT_QUEUE,
  ContentJob,
  type ContentJobPayload,
  type PublishScheduledPostPayload,
} from './scheduled.constants';

type ContentJobName = (typeof ContentJob)[keyof typeof ContentJob];

/** Thin: each job name maps to one service call. Runs only in worker processes. */
@Processor(CONTENT_QUEUE, { concurrency: 2 })
export class ContentProcessor extends WorkerHost {
  constructor(
    private readonly scheduled: ScheduledPostService,
    private readonly posts: PostService,
  ) {
    super();
  }

  async process(job: Job<ContentJobPayload, unknown, ContentJobName>): Promise<unknown> {
    switch (job.name) {
      case ContentJob.PublishScheduledPost: {
        const post = await this.scheduled.publish((job.data as PublishScheduledPostPayload).scheduledPostId);
        return { postId: post?.id ?? null };
      }
      case ContentJob.PurgeIdempotencyKeys:
        await this.posts.purgeExpiredIdempotencyKeys();
        return {};
    }
  }
}
