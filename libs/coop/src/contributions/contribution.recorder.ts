import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  DomainEvent,
  DomainEventBus,
  EventSubscriber,
  type PostDeletedEvent,
  type PostEngagementEvent,
  type PostPublishedEvent,
  type ReportUpheldEvent,
  type SubscribedDelivery,
} from '@guildhall/core';
import { AccountService } from '@guildhall/identity';
import DataLoader from 'dataloader';
import { CoopMemberRepository } from '../members/coop-member.repository';
import { type ContributionStep, CoopEventRepository } from './coop-event.repository';
import { Contribution, eventId, instanceActor } from './contribution.types';

/** What deciding a contribution asks: answered one query at a time, or for a whole batch at once. */
interface Lookups {
  isActive(accountId: string): Promise<boolean>;
  /** The account's domain; null when local or unknown. */
  domainOf(accountId: string): Promise<string | null>;
}

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
    this.bus.subscribe(
      EventSubscriber.Contributions,
      {
        [DomainEvent.PostPublished]: (payload, meta) =>
          this.recordMany([{ name: DomainEvent.PostPublished, payload, meta }]),
        [DomainEvent.PostDeleted]: (payload, meta) =>
          this.recordMany([{ name: DomainEvent.PostDeleted, payload, meta }]),
        [DomainEvent.PostLiked]: (payload, meta) => this.recordMany([{ name: DomainEvent.PostLiked, payload, meta }]),
        [DomainEvent.PostUnliked]: (payload, meta) =>
          this.recordMany([{ name: DomainEvent.PostUnliked, payload, meta }]),
        [DomainEvent.PostBoosted]: (payload, meta) =>
          this.recordMany([{ name: DomainEvent.PostBoosted, payload, meta }]),
        [DomainEvent.PostUnboosted]: (payload, meta) =>
          this.recordMany([{ name: DomainEvent.PostUnboosted, payload, meta }]),
        [DomainEvent.ReportUpheld]: (payload, meta) =>
          this.recordMany([{ name: DomainEvent.ReportUpheld, payload, meta }]),
      },
      { handleMany: (deliveries) => this.recordMany(deliveries) },
    );
  }

  /**
   * Records what deliveries call for (one alone, or a batch: docs/adr/0058): the membership and
   * account look-ups of all of them made together up front (one query each), and every
   * contribution and reversal written in one statement, in delivery order. A lone like costs two
   * round trips instead of three.
   */
  async recordMany(deliveries: SubscribedDelivery<typeof EventSubscriber.Contributions>[]): Promise<void> {
    const active = new DataLoader<string, boolean>(async (ids) => {
      const found = await this.members.activeAmong(ids);
      return ids.map((id) => found.has(id));
    });
    const domains = new DataLoader<string, string | null>(async (ids) => {
      const rows = await this.accounts.findByIds([...ids]);
      const byId = new Map(rows.map((row) => [row.id, row.domain ?? null]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    // Every account a decision may ask about, asked up front: one query each for the whole batch.
    const asked = deliveries.map((delivery) => this.accountsOf(delivery));
    await Promise.all([
      active.loadMany(asked.flatMap((ids) => ids.members)),
      domains.loadMany(asked.flatMap((ids) => ids.remote)),
    ]);
    const lookups: Lookups = { isActive: (id) => active.load(id), domainOf: (id) => domains.load(id) };
    const plans = await Promise.all(deliveries.map((delivery) => this.plan(delivery, lookups)));
    await this.events.applyAll(plans.flat());
  }

  /** The accounts a delivery's decision may ask about (a superset: asking costs nothing in a batch). */
  private accountsOf(delivery: SubscribedDelivery<typeof EventSubscriber.Contributions>): {
    members: string[];
    remote: string[];
  } {
    switch (delivery.name) {
      case DomainEvent.PostPublished: {
        const event = delivery.payload;
        const members = [event.authorId, ...(event.inReplyToAuthorId ? [event.inReplyToAuthorId] : [])];
        return { members, remote: event.local === true ? [] : [event.authorId] };
      }
      case DomainEvent.PostLiked:
      case DomainEvent.PostBoosted: {
        const event = delivery.payload;
        return {
          members: [event.postAuthorId, event.accountId],
          remote: event.accountLocal === true ? [] : [event.accountId],
        };
      }
      case DomainEvent.ReportUpheld:
        return { members: [delivery.payload.moderatorAccountId], remote: [] };
      case DomainEvent.PostDeleted:
      case DomainEvent.PostUnliked:
      case DomainEvent.PostUnboosted:
        return { members: [], remote: [] };
    }
  }

  private plan(
    delivery: SubscribedDelivery<typeof EventSubscriber.Contributions>,
    lookups: Lookups,
  ): Promise<ContributionStep[]> {
    switch (delivery.name) {
      case DomainEvent.PostPublished:
        return this.onPostPublished(delivery.payload, lookups);
      case DomainEvent.PostDeleted:
        return this.onPostDeleted(delivery.payload);
      case DomainEvent.PostLiked:
        return this.engagedBy(delivery.payload, lookups);
      case DomainEvent.PostUnliked:
        return this.onPostUnliked(delivery.payload);
      case DomainEvent.PostBoosted:
        return this.onPostBoosted(delivery.payload, lookups);
      case DomainEvent.PostUnboosted:
        return this.onPostUnboosted(delivery.payload);
      case DomainEvent.ReportUpheld:
        return this.onReportUpheld(delivery.payload, lookups);
    }
  }

  private async onPostPublished(event: PostPublishedEvent, lookups: Lookups): Promise<ContributionStep[]> {
    const steps: ContributionStep[] = [];
    if (event.local === true && (await lookups.isActive(event.authorId))) {
      steps.push({
        record: {
          id: eventId.published(event.postId),
          type: Contribution.Published,
          memberId: event.authorId,
          object: event.postId,
        },
      });
    }
    if (event.inReplyToId && event.inReplyToAuthorId) {
      const engaged = await this.engaged(
        eventId.engaged(event.postId),
        event.inReplyToAuthorId,
        event.inReplyToId,
        { accountId: event.authorId, local: event.local === true },
        lookups,
      );
      steps.push(...engaged);
    }
    return steps;
  }

  private onPostDeleted(event: PostDeletedEvent): Promise<ContributionStep[]> {
    return Promise.resolve([{ reverse: eventId.published(event.postId) }, { reverse: eventId.engaged(event.postId) }]);
  }

  private onPostUnliked(event: PostEngagementEvent): Promise<ContributionStep[]> {
    return Promise.resolve([{ reverse: eventId.engaged(event.engagementId) }]);
  }

  private async onPostBoosted(event: PostEngagementEvent, lookups: Lookups): Promise<ContributionStep[]> {
    const steps = await this.engagedBy(event, lookups);
    const curates =
      event.accountLocal === true &&
      event.accountId !== event.postAuthorId &&
      (await lookups.isActive(event.accountId)) &&
      (await lookups.isActive(event.postAuthorId));
    if (curates) {
      steps.push({
        record: {
          id: eventId.curated(event.engagementId),
          type: Contribution.Curated,
          memberId: event.accountId,
          object: event.postId,
        },
      });
    }
    return steps;
  }

  private onPostUnboosted(event: PostEngagementEvent): Promise<ContributionStep[]> {
    return Promise.resolve([
      { reverse: eventId.engaged(event.engagementId) },
      { reverse: eventId.curated(event.engagementId) },
    ]);
  }

  private async onReportUpheld(event: ReportUpheldEvent, lookups: Lookups): Promise<ContributionStep[]> {
    if (!(await lookups.isActive(event.moderatorAccountId))) return [];
    return [
      {
        record: {
          id: eventId.moderated(event.reportId),
          type: Contribution.Moderated,
          memberId: event.moderatorAccountId,
          object: event.reportId,
        },
      },
    ];
  }

  private engagedBy(event: PostEngagementEvent, lookups: Lookups): Promise<ContributionStep[]> {
    return this.engaged(
      eventId.engaged(event.engagementId),
      event.postAuthorId,
      event.postId,
      { accountId: event.accountId, local: event.accountLocal === true },
      lookups,
    );
  }

  /** ENGAGED for `authorId` (an active member) from another member, or from a remote server. */
  private async engaged(
    id: string,
    authorId: string,
    postId: string,
    by: { accountId: string; local: boolean },
    lookups: Lookups,
  ): Promise<ContributionStep[]> {
    if (by.accountId === authorId || !(await lookups.isActive(authorId))) return [];
    let actor: string;
    if (by.local) {
      if (!(await lookups.isActive(by.accountId))) return [];
      actor = by.accountId;
    } else {
      const domain = await lookups.domainOf(by.accountId);
      if (!domain) return [];
      actor = instanceActor(domain);
    }
    return [{ record: { id, type: Contribution.Engaged, memberId: authorId, actor, object: postId } }];
  }
}
