import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  DomainEvent,
  DomainEventBus,
  EventSubscriber,
  type PostDeletedEvent,
  type PostEngagementEvent,
  type PostPublishedEvent,
  type ReportUpheldEvent,
} from '@guildhall/core';
import { AccountService } from '@guildhall/identity';
import { CoopMemberRepository } from '../members/coop-member.repository';
import { CoopEventRepository } from './coop-event.repository';
import { Contribution, eventId, instanceActor } from './contribution.types';

/**
 * Records contributions (SPEC §7) from domain events: PUBLISHED for a member's local post,
 * ENGAGED for a like, boost or reply a member's post receives from another member or a remote
 * server (actor `instance:HOST`; the close counts it only if HOST is federated), CURATED for a
 * member boosting another member's post, MODERATED for a moderator who upheld a report (one
 * event per report); undo and delete record reversals. Events come from the outbox (ADR 0016):
 * a failure throws, and the delivery is retried until it lands or is parked for a steward; every
 * contribution has a deterministic id and is inserted ON CONFLICT DO NOTHING, so a re-delivery
 * records nothing twice.
 */
@Injectable()
export class ContributionRecorder implements OnModuleInit {
  constructor(
    private readonly events: CoopEventRepository,
    private readonly members: CoopMemberRepository,
    private readonly accounts: AccountService,
    private readonly bus: DomainEventBus,
  ) {}

  onModuleInit(): void {
    this.bus.subscribe(EventSubscriber.Contributions, {
      [DomainEvent.PostPublished]: (event) => this.onPostPublished(event),
      [DomainEvent.PostDeleted]: (event) => this.onPostDeleted(event),
      [DomainEvent.PostLiked]: (event) => this.onPostLiked(event),
      [DomainEvent.PostUnliked]: (event) => this.onPostUnliked(event),
      [DomainEvent.PostBoosted]: (event) => this.onPostBoosted(event),
      [DomainEvent.PostUnboosted]: (event) => this.onPostUnboosted(event),
      [DomainEvent.ReportUpheld]: (event) => this.onReportUpheld(event),
    });
  }

  async onPostPublished(event: PostPublishedEvent): Promise<void> {
    if (event.local === true && (await this.members.isActive(event.authorId))) {
      await this.events.record({
        id: eventId.published(event.postId),
        type: Contribution.Published,
        memberId: event.authorId,
        object: event.postId,
      });
    }
    if (event.inReplyToId && event.inReplyToAuthorId) {
      await this.engaged(eventId.engaged(event.postId), event.inReplyToAuthorId, event.inReplyToId, {
        accountId: event.authorId,
        local: event.local === true,
      });
    }
  }

  async onPostDeleted(event: PostDeletedEvent): Promise<void> {
    await this.events.reverse(eventId.published(event.postId));
    await this.events.reverse(eventId.engaged(event.postId));
  }

  onPostLiked(event: PostEngagementEvent): Promise<void> {
    return this.engagedBy(event);
  }

  async onPostUnliked(event: PostEngagementEvent): Promise<void> {
    await this.events.reverse(eventId.engaged(event.engagementId));
  }

  async onPostBoosted(event: PostEngagementEvent): Promise<void> {
    await this.engagedBy(event);
    const curates =
      event.accountLocal === true &&
      event.accountId !== event.postAuthorId &&
      (await this.members.isActive(event.accountId)) &&
      (await this.members.isActive(event.postAuthorId));
    if (curates) {
      await this.events.record({
        id: eventId.curated(event.engagementId),
        type: Contribution.Curated,
        memberId: event.accountId,
        object: event.postId,
      });
    }
  }

  async onPostUnboosted(event: PostEngagementEvent): Promise<void> {
    await this.events.reverse(eventId.engaged(event.engagementId));
    await this.events.reverse(eventId.curated(event.engagementId));
  }

  async onReportUpheld(event: ReportUpheldEvent): Promise<void> {
    if (!(await this.members.isActive(event.moderatorAccountId))) return;
    await this.events.record({
      id: eventId.moderated(event.reportId),
      type: Contribution.Moderated,
      memberId: event.moderatorAccountId,
      object: event.reportId,
    });
  }

  private engagedBy(event: PostEngagementEvent): Promise<void> {
    return this.engaged(eventId.engaged(event.engagementId), event.postAuthorId, event.postId, {
      accountId: event.accountId,
      local: event.accountLocal === true,
    });
  }

  /** ENGAGED for `authorId` (an active member) from another member, or from a remote server. */
  private async engaged(
    id: string,
    authorId: string,
    postId: string,
    by: { accountId: string; local: boolean },
  ): Promise<void> {
    if (by.accountId === authorId || !(await this.members.isActive(authorId))) return;
    let actor: string;
    if (by.local) {
      if (!(await this.members.isActive(by.accountId))) return;
      actor = by.accountId;
    } else {
      const account = await this.accounts.findById(by.accountId);
      if (!account?.domain) return;
      actor = instanceActor(account.domain);
    }
    await this.events.record({ id, type: Contribution.Engaged, memberId: authorId, actor, object: postId });
  }
}
