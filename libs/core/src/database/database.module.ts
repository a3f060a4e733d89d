import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { MixedList } from 'typeorm';
import { ConfigService } from '../config/config.service';
import { MigrateOnStart, MigrationRunner } from './migration.runner';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { installArrayRowFields } from './array-row-fields';
import { installTimestamptzParser } from './timestamptz';

export interface DatabaseModuleOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function>;
  /** Run pending migrations at start-up (every process does; the lock makes one win). */
  migrate: boolean;
}

/**
 * The pg-pool settings of every process's connection pool. pg-pool closes a connection idle for
 * 10 s, and did so down to none: the first action after a quiet spell opened a fresh connection
 * (~5 ms idle, 35-80 ms on a loaded machine) for each of its parallel reads, and bench:fanout's
 * outbound job spent most of its ~200-480 ms connecting. `min` connections stay open (enough for
 * one request's or job's parallel reads: a post's outbound job runs about eight side by side);
 * those above it still close after 10 s. Well below PostgreSQL's 100 connections for a few
 * processes, as `max` already had to be (ADR 0061).
 */
export const POOL_OPTIONS = { max: 20, min: 8, idleTimeoutMillis: 10_000 } as const;

/**
 * Session settings of every pooled connection. `plan_cache_mode`: a named prepared statement
 * (`preparedStatement`, chosen statement by statement for a generic plan as good as a custom one)
 * runs its generic plan from its first execution, never planned again; PostgreSQL's own choice
 * kept planning some of them on every call, because their estimated generic cost came out higher.
 * Unnamed statements, all the others, are planned for their parameters whatever this says
 * (ADR 0067).
 */
export const SESSION_OPTIONS = '-c plan_cache_mode=force_generic_plan';

@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => {
            // node-postgres's type parsers and result rows are the process's: every pool reads
            // timestamps and array rows so (ADR 0068).
            installTimestamptzParser();
            installArrayRowFields();
            return {
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
              extra: { ...POOL_OPTIONS, application_name: 'guildhall', options: SESSION_OPTIONS },
              logging: false,
            };
          },
        }),
      ],
      providers: [MigrationRunner, ...(options.migrate ? [MigrateOnStart] : [])],
      exports: [TypeOrmModule, MigrationRunner],
    };
  }
}
