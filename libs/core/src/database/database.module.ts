import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { MixedList } from 'typeorm';
import { ConfigService } from '../config/config.service';
import { MigrateOnStart, MigrationRunner } from './migration.runner';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export interface DatabaseModuleOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function>;
  /** Run pending migrations at start-up (every process does; the lock makes one win). */
  migrate: boolean;
}

@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            type: 'postgres' as const,
            url: config.databaseUrl,
            autoLoadEntities: true,
            synchronize: false,
            migrationsRun: false,
            migrations: options.migrations,
            migrationsTableName: 'schema_migrations',
            namingStrategy: new SnakeNamingStrategy(),
            // gen_random_uuid() is built into PostgreSQL 13+: no extension to install.
            uuidExtension: 'pgcrypto' as const,
            installExtensions: false,
            extra: { max: 20, application_name: 'guildhall' },
            logging: false,
          }),
        }),
      ],
      providers: [MigrationRunner, ...(options.migrate ? [MigrateOnStart] : [])],
      exports: [TypeOrmModule, MigrationRunner],
    };
  }
}
