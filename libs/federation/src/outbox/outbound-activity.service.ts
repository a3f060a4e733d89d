import { Injectable, Logger } from '@nestjs/common';
import { AccountActivities } from './account-activities.service';
import { OutboundDelivery, type OutboundResult, skipped } from './outbound-delivery';
import type { OutboundEventPayload } from './outbound.job';
import { PollActivities } from './poll-activities.service';
import { PostActivities } from './post-activities.service';
import { ReportActivities } from './report-activities.service';

/** One outbound job: the event's activity, built from the database as it is now, handed to Fedify. */
@Injectable()
export class OutboundActivityService {
  private readonly logger = new Logger(OutboundActivityService.name);

  constructor(
    private readonly delivery: OutboundDelivery,
    private readonly posts: PostActivities,
    private readonly accounts: AccountActivities,
    private readonly polls: PollActivities,
    private readonly reports: ReportActivities,
  ) {}

  /** Off the first job's path: see OutboundDelivery.warmUp. */
  warmUp(): Promise<void> {
    return this.delivery.warmUp();
  }

  async handle(job: OutboundEventPayload): Promise<OutboundResult> {
    // Jobs from a process with another PUBLIC_ORIGIN (a shared queue) name ids that are not ours.
    if (job.origin !== this.delivery.origin) return skipped(`enqueued for ${job.origin}`);
    const result = await this.build(job);
    this.logger.debug({ msg: 'outbound', event: job.event, ...result });
    return result;
  }

  private build(job: OutboundEventPayload): Promise<OutboundResult> {
    switch (job.event) {
      case 'post.published':
        return this.posts.published(job.payload);
      case 'post.updated':
        return this.posts.updated(job.payload, job.at);
      case 'post.deleted':
        return this.posts.deleted(job.payload);
      case 'post.liked':
        return this.posts.liked(job.payload);
      case 'post.unliked':
        return this.posts.unliked(job.payload);
      case 'post.boosted':
        return this.posts.boosted(job.payload);
      case 'post.unboosted':
        return this.posts.unboosted(job.payload);
      case 'poll.voted':
        return this.polls.voted(job.payload, job.at);
      case 'poll.expired':
        return this.polls.expired(job.payload, job.at);
      case 'account.follow-requested':
        return this.accounts.followRequested(job.payload);
      case 'account.unfollowed':
        return this.accounts.unfollowed(job.payload);
      case 'account.follow-accepted':
        return this.accounts.answered(job.payload, 'accept', job.at);
      case 'account.follow-rejected':
        return this.accounts.answered(job.payload, 'reject', job.at);
      case 'account.blocked':
        return this.accounts.blocked(job.payload, job.at);
      case 'account.unblocked':
        return this.accounts.unblocked(job.payload, job.at);
      case 'account.profile-updated':
        return this.accounts.profileUpdated(job.payload, job.at);
      case 'moderation.report-forwarded':
        return this.reports.forwarded(job.payload);
    }
  }
}
