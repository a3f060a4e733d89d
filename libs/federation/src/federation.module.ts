import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { FederationHostRepository } from './delivery/federation-host.repository';
import { INBOX_HANDLERS, type InboxHandler } from './inbox/inbox-handler';
import { ModerationModule } from './moderation/moderation.module';
import { FederationQueueRunner } from './queue/federation-queue.runner';
import { RemoteActorService } from './remote/remote-actor.service';
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
const INBOX_HANDLER_CLASSES: Type<InboxHandler>[] = [];

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
      imports: [FederationStorageModule, ModerationModule],
      providers: [
        PostgresKvStore,
        ActorKeyRepository,
        ActorKeyService,
        InstanceStatsRepository,
        PostObjectRepository,
        FederationHostRepository,
        RemoteActorService,
        ...INBOX_HANDLER_CLASSES,
        {
          provide: INBOX_HANDLERS,
          useFactory: (...handlers: InboxHandler[]) => handlers,
          inject: INBOX_HANDLER_CLASSES,
        },
        FederationService,
        FederationHttpHandler,
        ...(worker ? [FederationQueueRunner] : []),
      ],
      exports: [FederationHttpHandler, FederationService, ActorKeyService, RemoteActorService, ModerationModule],
    };
  }
}
