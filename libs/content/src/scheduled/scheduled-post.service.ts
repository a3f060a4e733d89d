import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { uuidv7 } from '@guildhall/core';
import { AccountRepository, type AuthContext } from '@guildhall/identity';
import { ContentErrorCode, ContentException } from '../content.exception';
import { MAX_ATTACHMENTS_PER_POST } from '../media/media.constants';
import { MediaService } from '../media/media.service';
import type { CreatePostInput } from '../posts/dto/create-post.input';
import type { PostEntity } from '../posts/post.entity';
import { PostService } from '../posts/post.service';
import type { ScheduledPostEntity, ScheduledPostParams } from './scheduled-post.entity';
import { ScheduledPostRepository, type ScheduledWindow } from './scheduled-post.repository';
import {
  CONTENT_QUEUE,
  ContentJob,
  MAX_SCHEDULED_POSTS,
  MAX_SCHEDULED_POSTS_PER_DAY,
  PUBLISH_SCHEDULED_POST_JOB_OPTIONS,
  PURGE_IDEMPOTENCY_KEYS_JOB_OPTIONS,
  type ContentJobPayload,
  SCHEDULE_MIN_AHEAD_SECONDS,
} from './scheduled.constants';

/** The idempotency key a scheduled post publishes with: a retried job publishes it once. */
const publishKey = (id: string) => `scheduled:${id}`;

/**
 * Posts to publish later (Mastodon's scheduled statuses): checked when scheduled as a post is,
 * stored, and published at their time by a delayed job through PostService — so a scheduled
 * post gets every rule, counter, event and delivery a post written then would.
 */
@Injectable()
export class ScheduledPostService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ScheduledPostService.name);

  constructor(
    private readonly scheduled: ScheduledPostRepository,
    private readonly posts: PostService,
    private readonly media: MediaService,
    private readonly accounts: AccountRepository,
    @InjectQueue(CONTENT_QUEUE) private readonly queue: Queue<ContentJobPayload>,
  ) {}

  /** Every process may call this: the scheduler id makes it one hourly job (run by the worker). */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      ContentJob.PurgeIdempotencyKeys,
      { every: 3_600_000 },
      { name: ContentJob.PurgeIdempotencyKeys, data: {}, opts: PURGE_IDEMPOTENCY_KEYS_JOB_OPTIONS },
    );
  }

  async schedule(auth: AuthContext, input: CreatePostInput, scheduledAt: Date): Promise<ScheduledPostEntity> {
    this.checkTime(scheduledAt);
    const poll = await this.posts.check(auth, input);
    const mediaIds = input.mediaIds ?? [];
    await this.checkMedia(auth.accountId, mediaIds);
    const params: ScheduledPostParams = {
      content: input.content,
      contentWarning: input.contentWarning ?? null,
      language: input.language ?? null,
      visibility: input.visibility ?? 'public',
      inReplyToId: input.inReplyToId ?? null,
      mediaIds,
      poll,
      applicationId: auth.applicationId,
    };
    const row = await this.scheduled.transaction(async (manager) => {
      await this.scheduled.lockAccount(manager, auth.accountId);
      await this.checkLimits(manager, auth.accountId, scheduledAt);
      return this.scheduled.insert(manager, { id: uuidv7(), accountId: auth.accountId, scheduledAt, params });
    });
    try {
      await this.enqueue(row.id, scheduledAt);
    } catch (error) {
      // No job, no scheduled post: the caller sees the failure and nothing waits in vain.
      await this.scheduled.delete(row.id);
      throw error;
    }
    return row;
  }

  list(auth: AuthContext, window: ScheduledWindow): Promise<ScheduledPostEntity[]> {
    return this.scheduled.findByAccount(auth.accountId, window);
  }

  async get(auth: AuthContext, id: string): Promise<ScheduledPostEntity> {
    const row = await this.scheduled.findOwn(auth.accountId, id);
    if (!row) throw new ContentException(ContentErrorCode.ScheduledPostNotFound, 'No such scheduled post');
    return row;
  }

  /** Moves a scheduled post to another time (the only thing Mastodon lets change). */
  async reschedule(auth: AuthContext, id: string, scheduledAt: Date): Promise<ScheduledPostEntity> {
    await this.get(auth, id);
    this.checkTime(scheduledAt);
    await this.scheduled.transaction(async (manager) => {
      await this.scheduled.lockAccount(manager, auth.accountId);
      await this.checkLimits(manager, auth.accountId, scheduledAt, id);
      await this.scheduled.updateTime(manager, id, scheduledAt);
    });
    const job = await this.queue.getJob(id);
    if (job && (await job.isDelayed())) await job.changeDelay(this.delay(scheduledAt));
    else await this.enqueue(id, scheduledAt);
    return this.get(auth, id);
  }

  async cancel(auth: AuthContext, id: string): Promise<void> {
    await this.get(auth, id);
    await this.scheduled.delete(id);
    const job = await this.queue.getJob(id);
    if (job && (await job.isDelayed())) await job.remove();
  }

  /**
   * Publishes a scheduled post (the job's work); null when it is gone (cancelled, or published by
   * an earlier attempt). A post the rules now refuse (its reply target went, its media was used,
   * its author was suspended) is dropped with a warning; being rate-limited retries later.
   */
  async publish(id: string): Promise<PostEntity | null> {
    const row = await this.scheduled.findById(id);
    if (!row) return null;
    const author = await this.accounts.findById(row.accountId);
    if (!author || author.suspendedAt) {
      await this.scheduled.delete(id);
      return null;
    }
    const { params } = row;
    let post: PostEntity;
    try {
      post = await this.posts.create(
        { accountId: row.accountId },
        {
          content: params.content,
          contentWarning: params.contentWarning,
          language: params.language,
          visibility: params.visibility as CreatePostInput['visibility'],
          inReplyToId: params.inReplyToId,
          mediaIds: params.mediaIds,
          poll: params.poll ?? null,
        },
        { idempotencyKey: publishKey(id) },
      );
    } catch (error) {
      if (!(error instanceof ContentException) || error.reason === ContentErrorCode.RateLimited) throw error;
      this.logger.warn({
        msg: 'scheduled post refused at its time; dropped',
        scheduledPostId: id,
        reason: error.reason,
      });
      await this.scheduled.delete(id);
      return null;
    }
    await this.scheduled.delete(id);
    this.logger.log({ msg: 'scheduled post published', scheduledPostId: id, postId: post.id });
    return post;
  }

  private delay(scheduledAt: Date): number {
    return Math.max(scheduledAt.getTime() - Date.now(), 0);
  }

  private async enqueue(id: string, scheduledAt: Date): Promise<void> {
    await this.queue.add(
      ContentJob.PublishScheduledPost,
      { scheduledPostId: id },
      { ...PUBLISH_SCHEDULED_POST_JOB_OPTIONS, jobId: id, delay: this.delay(scheduledAt) },
    );
  }

  private checkTime(scheduledAt: Date): void {
    if (Number.isNaN(scheduledAt.getTime())) {
      throw new ContentException(ContentErrorCode.InvalidSchedule, 'scheduled_at is not a valid date');
    }
    if (scheduledAt.getTime() < Date.now() + SCHEDULE_MIN_AHEAD_SECONDS * 1000) {
      throw new ContentException(
        ContentErrorCode.InvalidSchedule,
        `The scheduled date must be at least ${SCHEDULE_MIN_AHEAD_SECONDS / 60} minutes in the future`,
      );
    }
  }

  private async checkLimits(
    manager: Parameters<ScheduledPostRepository['counts']>[0],
    accountId: string,
    scheduledAt: Date,
    movingId?: string,
  ): Promise<void> {
    const { total, onDay } = await this.scheduled.counts(manager, accountId, scheduledAt);
    // A post being moved is already counted in the total (and maybe on that day: allow one more).
    const extra = movingId ? 1 : 0;
    if (total - extra >= MAX_SCHEDULED_POSTS || onDay - extra >= MAX_SCHEDULED_POSTS_PER_DAY) {
      throw new ContentException(ContentErrorCode.InvalidSchedule, 'You have exceeded the limit of scheduled posts');
    }
  }

  /** The uploads must be the author's own and unattached now (they are attached when published). */
  private async checkMedia(accountId: string, mediaIds: string[]): Promise<void> {
    if (mediaIds.length > MAX_ATTACHMENTS_PER_POST) {
      throw new ContentException(
        ContentErrorCode.TooManyAttachments,
        `A post has at most ${MAX_ATTACHMENTS_PER_POST} attachments`,
      );
    }
    if (new Set(mediaIds).size !== mediaIds.length) {
      throw new ContentException(ContentErrorCode.MediaAlreadyAttached, 'The same media is listed twice');
    }
    for (const id of mediaIds) {
      const media = await this.media.requireOwn(accountId, id);
      if (media.postId !== null) {
        throw new ContentException(ContentErrorCode.MediaAlreadyAttached, 'That media is already attached', { id });
      }
    }
  }
}
