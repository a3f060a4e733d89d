import { type DynamicModule, Module } from '@nestjs/common';
import { CoreModule, type Runtime } from '@guildhall/core';
import { IdentityModule } from '@guildhall/identity';
import { ContentModule } from '@guildhall/content';
import { CoopModule } from '@guildhall/coop';
import { FederationStorageModule } from '@guildhall/federation';
import { PushStorageModule } from '@guildhall/mastodon-api';
import { MIGRATIONS } from '@guildhall/migrations';
import { SocialModule } from '@guildhall/social';

/** What operator commands need: the database and the libs' services, no HTTP, no processors. */
@Module({})
export class CliModule {
  static forRoot(runtime: Runtime, options: { migrate: boolean }): DynamicModule {
    return {
      module: CliModule,
      imports: [
        CoreModule.forRoot({ runtime, migrations: MIGRATIONS, migrate: options.migrate }),
        IdentityModule.forRoot({ worker: false }),
        SocialModule,
        ContentModule,
        // Its entities, so `migration:generate`/`check` (which boot this module) see the tables.
        FederationStorageModule,
        PushStorageModule,
        CoopModule,
      ],
    };
  }
}
