import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DataSource, type Migration } from 'typeorm';

/** Any 64-bit key unique to "Guildhall schema migrations". */
const MIGRATION_LOCK_KEY = 7_261_033_917;

/**
 * Runs pending migrations when a process starts (never `synchronize`). Several servers and
 * workers may start at once: a session-level advisory lock lets exactly one of them migrate.
 */
@Injectable()
export class MigrationRunner {
  private readonly logger = new Logger(MigrationRunner.name);

  constructor(private readonly dataSource: DataSource) {}

  async run(): Promise<Migration[]> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      const applied = await this.dataSource.runMigrations({ transaction: 'each' });
      for (const migration of applied) this.logger.log({ msg: 'migration applied', name: migration.name });
      return applied;
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      await runner.release();
    }
  }
}

/** Provided when a process migrates at start-up: before any other module touches the database. */
@Injectable()
export class MigrateOnStart implements OnModuleInit {
  constructor(private readonly runner: MigrationRunner) {}

  async onModuleInit(): Promise<void> {
    await this.runner.run();
  }
}
