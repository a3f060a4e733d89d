import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import {
  DomainEvent,
  type DomainEventPayloads,
  type PostDeletedEvent,
  type PostEngagementEvent,
  type PostPublishedEvent,
} from '@guildhall/core';
import { AccountService } from '@guildhall/identity';
import { CoopMemberRepository } from '../members/coop-member.repository';
import { CoopEventRepository } from './coop-event.repository';
import { Contribution, eventId, instanceActor } from './contribution.types';

type ReportUpheldEvent = DomainEventPayloads[typeof DomainEvent.ReportUpheld];

/**
 * Records contributions (SPEC §7) from domain events: PUBLISHED for a member's local post,
 * ENGAGED for a like, boost or reply a member's post receives from another member or a remote
 * server (actor `instance:HOST`; the close counts it only if HOST is federated), CURATED for a
 * member boosting another member's post, MODERATED for a moderator who upheld a report (one
 * event per report); undo and delete record reversals. The bus awaits
 * listeners: a failure here is logged, never thrown into the action that caused the event.
 */
@Injectable()
export class ContributionRecorder {
  private readonly logger = new Logger(ContributionRecorder.name);

  constructor(
    private readonly events: CoopEventRepository,
    private readonly members: CoopMemberRepository,
    private readonly accounts: AccountService,
  ) {}

  @OnEvent(DomainEvent.PostPublished)
  onPostPublished(event: PostPublishedEvent): Promise<void> {
    return this.safely(DomainEvent.PostPublished, event.postId, async () => {
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
    });
  }

  @OnEvent(DomainEvent.PostDeleted)
  onPostDeleted(event: PostDeletedEvent): Promise<void> {
    return this.safely(DomainEvent.PostDeleted, event.postId, async () => {
      await this.events.reverse(eventId.published(event.postId));
      await this.events.reverse(eventId.engaged(event.postId));
    });
  }

  @OnEvent(DomainEvent.PostLiked)
  onPostLiked(event: PostEngagementEvent): Promise<void> {
    return this.safely(DomainEvent.PostLiked, event.engagementId, () => this.engagedBy(event));
  }

  @OnEvent(DomainEvent.PostUnliked)
  onPostUnliked(event: PostEngagementEvent): Promise<void> {
    return this.safely(DomainEvent.PostUnliked, event.engagementId, async () => {
      await this.events.reverse(eventId.engaged(event.engagementId));
    });
  }

  @OnEvent(DomainEvent.PostBoosted)
  onPostBoosted(event: PostEngagementEvent): Promise<void> {
    return this.safely(DomainEvent.PostBoosted, event.engagementId, async () => {
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
    });
  }

  @OnEvent(DomainEvent.PostUnboosted)
  onPostUnboosted(event: PostEngagementEvent): Promise<void> {
    return this.safely(DomainEvent.PostUnboosted, event.engagementId, async () => {
      await this.events.reverse(eventId.engaged(event.engagementId));
      await this.events.reverse(eventId.curated(event.engagementId));
    });
  }

  @OnEvent(DomainEvent.ReportUpheld)
  onReportUpheld(event: ReportUpheldEvent): Promise<void> {
    return this.safely(DomainEvent.ReportUpheld, event.reportId, async () => {
      if (!(await this.members.isActive(event.moderatorAccountId))) return;
      await this.events.record({
        id: eventId.moderated(event.reportId),
        type: Contribution.Moderated,
        memberId: event.moderatorAccountId,
        object: event.reportId,
      });
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

  private async safely(event: string, subjectId: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.error({ msg: 'contribution not recorded', event, subjectId, err: error });
    }
  }
}
