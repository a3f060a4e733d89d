import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, ModuleRef } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { CoreModule, EventRelayModule, HealthModule, LoaderFactories, Metrics, type Runtime } from '@guildhall/core';
import { AuthGuard, AuthService, IdentityModule } from '@guildhall/identity';
import { ContentModule, ContentWorkerModule, PollJobsModule } from '@guildhall/content';
import { CoopModule, GovernanceJobsModule } from '@guildhall/coop';
import { FederationModule } from '@guildhall/federation';
import { MastodonApiModule, PushModule } from '@guildhall/mastodon-api';
import { MIGRATIONS } from '@guildhall/migrations';
import { SocialModule } from '@guildhall/social';
import { graphqlOptions } from './graphql/graphql.options';
import { HealthController } from './health/health.controller';
import { PagesModule } from './pages/pages.module';
import { WebModule } from './web/web.module';

export interface ServerOptions {
  runtime: Runtime;
  /** Also run the job processors (npm start's one-process mode). */
  withWorker: boolean;
}

@Module({})
export class AppModule {
  static forRoot({ runtime, withWorker }: ServerOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot({ runtime, migrations: MIGRATIONS, migrate: true }),
        HealthModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [LoaderFactories, Metrics, AuthService, ModuleRef],
          useFactory: graphqlOptions,
        }),
        IdentityModule.forRoot({ worker: withWorker }),
        SocialModule,
        ContentModule,
        PollJobsModule.forRoot({ worker: withWorker }),
        ...(withWorker ? [ContentWorkerModule] : []),
        FederationModule.forRoot({ worker: withWorker }),
        CoopModule,
        GovernanceJobsModule.forRoot({ worker: withWorker }),
        PagesModule,
        WebModule,
        MastodonApiModule,
        PushModule.forRoot({ worker: withWorker }),
        // The outbox relay runs where the job processors run (ADR 0016).
        ...(withWorker ? [EventRelayModule] : []),
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_GUARD, useExisting: AuthGuard }],
    };
  }
}
