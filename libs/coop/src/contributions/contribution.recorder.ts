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
import { type ContributionStep, CoopEventRepository } from './coop-event.repository';
import { Contribution, eventId, instanceActor } from './contribution.types';

/**
 * What deciding a contribution asks before writing it: a remote account's domain, for a whole
 * batch at once. Memberships are not looked up: a step names the accounts that must be active
 * members (`whenActive`), and the statement that writes it checks them.
 */
interface Lookups {
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
   * Records what deliveries call for (one alone, or a batch: docs/adr/0058): the remote accounts'
   * domains looked up together up front (one query, only when there are remote actors), and every
   * contribution and reversal written in one statement, in delivery order, each contribution only
   * if the members it depends on are active then (checked in that statement). A local like costs
   * one round trip.
   */
  async recordMany(deliveries: SubscribedDelivery<typeof EventSubscriber.Contributions>[]): Promise<void> {
    const domains = new DataLoader<string, string | null>(async (ids) => {
      const rows = await this.accounts.findByIds([...ids]);
      const byId = new Map(rows.map((row) => [row.id, row.domain ?? null]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    // Every remote account a decision may ask about, asked up front: one query for the whole batch.
    const remote = deliveries.flatMap((delivery) => this.remoteAccountsOf(delivery));
    if (remote.length) await domains.loadMany(remote);
    const lookups: Lookups = { domainOf: (id) => domains.load(id) };
    const plans = await Promise.all(deliveries.map((delivery) => this.plan(delivery, lookups)));
    await this.events.applyAll(plans.flat());
  }

  /** The remote accounts whose domain a delivery's decision may ask about. */
  private remoteAccountsOf(delivery: SubscribedDelivery<typeof EventSubscriber.Contributions>): string[] {
    switch (delivery.name) {
      case DomainEvent.PostPublished:
        return delivery.payload.local === true ? [] : [delivery.payload.authorId];
      case DomainEvent.PostLiked:
      case DomainEvent.PostBoosted:
        return delivery.payload.accountLocal === true ? [] : [delivery.payload.accountId];
      case DomainEvent.ReportUpheld:
      case DomainEvent.PostDeleted:
      case DomainEvent.PostUnliked:
      case DomainEvent.PostUnboosted:
        return [];
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
        return this.onReportUpheld(delivery.payload);
    }
  }

  private async onPostPublished(event: PostPublishedEvent, lookups: Lookups): Promise<ContributionStep[]> {
    const steps: ContributionStep[] = [];
    if (event.local === true) {
      steps.push({
        record: {
          id: eventId.published(event.postId),
          type: Contribution.Published,
          memberId: event.authorId,
          object: event.postId,
        },
        whenActive: [event.authorId],
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
    if (event.accountLocal === true && event.accountId !== event.postAuthorId) {
      steps.push({
        record: {
          id: eventId.curated(event.engagementId),
          type: Contribution.Curated,
          memberId: event.accountId,
          object: event.postId,
        },
        whenActive: [event.accountId, event.postAuthorId],
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

  private onReportUpheld(event: ReportUpheldEvent): Promise<ContributionStep[]> {
    return Promise.resolve([
      {
        record: {
          id: eventId.moderated(event.reportId),
          type: Contribution.Moderated,
          memberId: event.moderatorAccountId,
          object: event.reportId,
        },
        whenActive: [event.moderatorAccountId],
      },
    ]);
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

  /** ENGAGED for `authorId` (if an active member) from another (active) member, or from a remote server. */
  private async engaged(
    id: string,
    authorId: string,
    postId: string,
    by: { accountId: string; local: boolean },
    lookups: Lookups,
  ): Promise<ContributionStep[]> {
    if (by.accountId === authorId) return [];
    const record = { id, type: Contribution.Engaged, memberId: authorId, object: postId };
    if (by.local) return [{ record: { ...record, actor: by.accountId }, whenActive: [authorId, by.accountId] }];
    const domain = await lookups.domainOf(by.accountId);
    if (!domain) return [];
    return [{ record: { ...record, actor: instanceActor(domain) }, whenActive: [authorId] }];
  }
}
