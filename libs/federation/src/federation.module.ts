import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { FetchAuthorizer } from './actors/fetch-authorizer';
import { SignedMediaReader } from './actors/signed-media-reader';
import { CollectionDispatchers } from './collections/collection-dispatchers';
import { CollectionRepository } from './collections/collection.repository';
import { FEDERATION_DELIVERY_QUEUE, FEDERATION_OUTBOUND_QUEUE } from './federation.constants';
import { FollowObjectRepository } from './objects/follow-object.repository';
import { ObjectDispatchers } from './objects/object-dispatchers';
import { AccountActivities } from './outbox/account-activities.service';
import { FederationBridge } from './outbox/federation-bridge';
import { FederationOutboundProcessor } from './outbox/federation-outbound.processor';
import { OutboundActivityService } from './outbox/outbound-activity.service';
import { OutboundAudienceRepository } from './outbox/outbound-audience.repository';
import { OutboundDelivery } from './outbox/outbound-delivery';
import { PollActivities } from './outbox/poll-activities.service';
import { ReportActivities } from './outbox/report-activities.service';
import { PostActivities } from './outbox/post-activities.service';
import { DeliveryProcessor } from './delivery/delivery.processor';
import { DeliveryService } from './delivery/delivery.service';
import { FederationHostRepository } from './delivery/federation-host.repository';
import { HostHealth } from './delivery/host-health.service';
import { INBOX_HANDLERS, type InboxHandler } from './inbox/inbox-handler';
import { AcceptHandler } from './inbox/handlers/accept.handler';
import { AnnounceHandler } from './inbox/handlers/announce.handler';
import { BlockHandler } from './inbox/handlers/block.handler';
import { CreateHandler } from './inbox/handlers/create.handler';
import { DeleteHandler } from './inbox/handlers/delete.handler';
import { FlagHandler } from './inbox/handlers/flag.handler';
import { FollowHandler } from './inbox/handlers/follow.handler';
import { LikeHandler } from './inbox/handlers/like.handler';
import { MoveHandler } from './inbox/handlers/move.handler';
import { RejectHandler } from './inbox/handlers/reject.handler';
import { UndoHandler } from './inbox/handlers/undo.handler';
import { UpdateHandler } from './inbox/handlers/update.handler';
import { InboxBatcher } from './inbox/inbox-batcher';
import { InboxIdempotency } from './inbox/inbox-idempotency';
import { InboxSupport } from './inbox/inbox-support';
import { RemoteTombstoneRepository } from './inbox/remote-tombstone.repository';
import { ContentModule } from '@guildhall/content';
import { SocialModule } from '@guildhall/social';
import { DomainPurgeProcessor } from './moderation/domain-purge.processor';
import { ModerationModule } from './moderation/moderation.module';
import { FederationQueueRunner } from './queue/federation-queue.runner';
import { RemoteActorService } from './remote/remote-actor.service';
import { RemoteObjectLookup } from './remote/remote-object-lookup.service';
import { OutboundHttpModule } from './safety/outbound-http.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FederationService } from './federation.service';
import { FederationHttpHandler } from './http/federation-http.handler';
import { ActorKeyEntity } from './keys/actor-key.entity';
import { ActorKeyRepository } from './keys/actor-key.repository';
import { ActorKeyService } from './keys/actor-key.service';
import { FederationKvEntity } from './kv/federation-kv.entity';
import { FederationHostEntity } from './delivery/federation-host.entity';
import { RemoteTombstoneEntity } from './inbox/remote-tombstone.entity';
import { DomainBlockEntity } from './moderation/domain-block.entity';
import { ReportEntity } from './moderation/report.entity';
import { PostgresKvStore } from './kv/postgres-kv.store';
import { RemoteKeyCache } from './keys/remote-key.cache';
import { InboxBacklog } from './http/inbox-backlog';
import { InboxFastPath } from './http/inbox-fast-path';
import { PostObjectRepository } from './objects/post-object.repository';
import { InstanceStatsRepository } from './well-known/instance-stats.repository';

/** The federation tables alone: for processes that migrate or inspect them without serving. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      FederationKvEntity,
      ActorKeyEntity,
      FederationHostEntity,
      DomainBlockEntity,
      ReportEntity,
      RemoteTombstoneEntity,
    ]),
  ],
  exports: [TypeOrmModule],
})
export class FederationStorageModule {}

/** Every inbound activity type we handle; each handler is one class (inbox/handlers). */
const INBOX_HANDLER_CLASSES: Type<InboxHandler>[] = [
  FollowHandler,
  AcceptHandler,
  RejectHandler,
  UndoHandler,
  CreateHandler,
  UpdateHandler,
  DeleteHandler,
  LikeHandler,
  AnnounceHandler,
  BlockHandler,
  FlagHandler,
  MoveHandler,
];

/** What the inbox handlers share (the content and social services they call come from those modules). */
const INBOX_SUPPORT = [InboxSupport, InboxIdempotency, InboxBatcher, RemoteTombstoneRepository];

/** Served documents (objects, collections, authorized fetch) and the outbound bridge's builders. */
const OUTBOUND_PROVIDERS = [
  FetchAuthorizer,
  CollectionRepository,
  CollectionDispatchers,
  FollowObjectRepository,
  ObjectDispatchers,
  OutboundAudienceRepository,
  OutboundDelivery,
  PostActivities,
  PollActivities,
  AccountActivities,
  ReportActivities,
  OutboundActivityService,
  FederationBridge,
];

export interface FederationModuleOptions {
  /** Run Fedify's queue (inbox work, fan-out, deliveries) in this process. */
  worker: boolean;
}

/**
 * ActivityPub (Fedify): discovery, actors, objects, inboxes and delivery. Mount
 * `FederationHttpHandler` in front of Nest's routing (apps/server create-server.ts); it answers
 * only federation paths.
 */
@Module({})
export class FederationModule {
  static forRoot({ worker }: FederationModuleOptions): DynamicModule {
    return {
      module: FederationModule,
      // IdentityModule is global (forRoot in the app): AccountRepository comes from there.
      imports: [
        FederationStorageModule,
        ModerationModule,
        ContentModule,
        SocialModule,
        OutboundHttpModule,
        BullModule.registerQueue({ name: FEDERATION_OUTBOUND_QUEUE }, { name: FEDERATION_DELIVERY_QUEUE }),
      ],
      providers: [
        PostgresKvStore,
        RemoteKeyCache,
        InboxFastPath,
        InboxBacklog,
        ActorKeyRepository,
        ActorKeyService,
        InstanceStatsRepository,
        PostObjectRepository,
        FederationHostRepository,
        HostHealth,
        DeliveryService,
        RemoteActorService,
        RemoteObjectLookup,
        ...INBOX_SUPPORT,
        ...INBOX_HANDLER_CLASSES,
        {
          provide: INBOX_HANDLERS,
          useFactory: (...handlers: InboxHandler[]) => handlers,
          inject: INBOX_HANDLER_CLASSES,
        },
        ...OUTBOUND_PROVIDERS,
        FederationService,
        FederationHttpHandler,
        SignedMediaReader,
        ...(worker ? [FederationQueueRunner, FederationOutboundProcessor, DeliveryProcessor] : []),
        // ModerationModule's purge queue; its processor needs DomainPurgeService, which that module exports.
        ...(worker ? [DomainPurgeProcessor] : []),
      ],
      exports: [
        FederationHttpHandler,
        FederationService,
        ActorKeyService,
        RemoteActorService,
        ModerationModule,
        InstanceStatsRepository,
      ],
    };
  }
}
