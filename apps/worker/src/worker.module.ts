import { type DynamicModule, Module } from '@nestjs/common';
import { CoreModule, EventRelayModule, type Runtime } from '@guildhall/core';
import { IdentityModule } from '@guildhall/identity';
import { ContentModule, ContentWorkerModule, PollJobsModule } from '@guildhall/content';
import { CoopModule, GovernanceJobsModule } from '@guildhall/coop';
import { FederationModule } from '@guildhall/federation';
import { PushModule } from '@guildhall/mastodon-api';
import { MIGRATIONS } from '@guildhall/migrations';
import { SocialModule } from '@guildhall/social';
import { HeartbeatService } from './heartbeat.service';
import { MetricsListener } from './metrics-listener.service';

/** The BullMQ processors of every lib; no HTTP but `/metrics` (when METRICS_TOKEN is set). */
@Module({})
export class WorkerModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot({ runtime, migrations: MIGRATIONS, migrate: true }),
        IdentityModule.forRoot({ worker: true }),
        SocialModule,
        ContentModule,
        PollJobsModule.forRoot({ worker: true }),
        ContentWorkerModule,
        FederationModule.forRoot({ worker: true }),
        CoopModule,
        GovernanceJobsModule.forRoot({ worker: true }),
        // Web Push to Mastodon apps: its outbox subscriber and its deliveries.
        PushModule.forRoot({ worker: true }),
        EventRelayModule,
      ],
      providers: [HeartbeatService, MetricsListener],
    };
  }
}
