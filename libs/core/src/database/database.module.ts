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

/**
 * Connections a process keeps open when idle: enough for one request's or job's parallel reads (a
 * post's outbound job runs about eight side by side). Below PostgreSQL's 100 connections for a few
 * processes, as `max` (20) already had to be.
 */
const POOL_WARM = 8;

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
            // pg-pool closes a connection idle for 10 s by default, so the first action after a quiet
            // spell opened a fresh connection (~5 ms idle, 35-80 ms on a loaded machine) for each of
            // its parallel reads: bench:fanout's outbound job took ~200 ms, most of it connecting.
            // Up to POOL_WARM connections stay open; those above it still close after 10 s (ADR 0061).
            extra: { max: 20, min: POOL_WARM, idleTimeoutMillis: 10_000, application_name: 'guildhall' },
            logging: false,
          }),
        }),
      ],
      providers: [MigrationRunner, ...(options.migrate ? [MigrateOnStart] : [])],
      exports: [TypeOrmModule, MigrationRunner],
    };
  }
}
