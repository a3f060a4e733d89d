import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { CoreModule, HealthModule, type Runtime } from '@guildhall/core';
import { AuthGuard, IdentityModule } from '@guildhall/identity';
import { MIGRATIONS } from '@guildhall/migrations';
import { graphqlOptions } from './graphql/graphql.options';
import { HealthController } from './health/health.controller';

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
          useFactory: graphqlOptions,
        }),
        IdentityModule.forRoot({ worker: withWorker }),
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_GUARD, useExisting: AuthGuard }],
    };
  }
}
