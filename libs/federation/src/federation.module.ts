import { Module } from '@nestjs/common';
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
  imports: [TypeOrmModule.forFeature([
      FederationKvEntity,
      ActorKeyEntity,
      FederationHostEntity,
      DomainBlockEntity,
      ReportEntity,
      RemoteTombstoneEntity,
    ]),],
  exports: [TypeOrmModule],
})
export class FederationStorageModule {}

/**
 * ActivityPub discovery and actors (Fedify). Mount `FederationHttpHandler` in front of Nest's
 * routing (apps/server create-server.ts); it answers only federation paths.
 */
@Module({
  // IdentityModule is global (forRoot in the app): AccountRepository comes from there.
  imports: [FederationStorageModule],
  providers: [
    PostgresKvStore,
    ActorKeyRepository,
    ActorKeyService,
    InstanceStatsRepository,
    PostObjectRepository,
    FederationService,
    FederationHttpHandler,
  ],
  exports: [FederationHttpHandler, FederationService, ActorKeyService],
})
export class FederationModule {}
