import { Flag } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import type { ReportForwardedEvent } from '@guildhall/core';
import { INSTANCE_ACTOR_PATH } from '../actors/actor.mapper';
import { ReportRepository } from '../moderation/report.repository';
import { ActivityIds } from './activity-ids';
import { OutboundAudienceRepository } from './outbound-audience.repository';
import { OutboundDelivery, type OutboundResult, skipped } from './outbound-delivery';

/**
 * A member's report forwarded to the reported remote account's server, as Mastodon's
 * ReportService#forward_to_origin!: a `Flag` from the instance actor (the reporter stays
 * anonymous to the other server) naming the account and the reported posts, with the comment
 * as `content`, to the account's own inbox.
 */
@Injectable()
export class ReportActivities {
  constructor(
    private readonly delivery: OutboundDelivery,
    private readonly audience: OutboundAudienceRepository,
    private readonly reports: ReportRepository,
  ) {}

  async forwarded(event: ReportForwardedEvent): Promise<OutboundResult> {
    const report = await this.reports.findById(event.reportId);
    if (!report?.forwarded) return skipped('report not to be forwarded');
    const [target] = await this.audience.remoteAccounts([report.targetAccountId]);
    if (!target) return skipped('not a reachable remote account');
    const posts = await this.reports.findPosts(report.postIds);
    const origin = this.delivery.origin;
    const flag = new Flag({
      id: ActivityIds.flag(origin, report.id),
      actor: new URL(`${origin}${INSTANCE_ACTOR_PATH}`),
      objects: [
        new URL(target.uri),
        ...posts.flatMap((post) => (post.uri && post.accountId === report.targetAccountId ? [new URL(post.uri)] : [])),
      ],
      content: report.comment,
      to: new URL(target.uri),
    });
    return this.delivery.sendAsInstance([target], flag);
  }
}
