import { randomBytes } from 'node:crypto';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '@guildhall/migrations';
import { SnakeNamingStrategy } from '../../libs/core/src/database/snake-naming.strategy';

export interface ScratchDatabase {
  dataSource: DataSource;
  /** Closes the connection and drops the database. */
  drop(): Promise<void>;
}

/**
 * A database of a spec's own beside the run's shared one, migrated with the project's migrations.
 * Specs that work on SQL directly use this instead of the shared database: a table they create
 * there before the first app has migrated it makes every migration after fail ("relation already
 * exists") and with it every later suite of the run.
 */
export async function scratchDatabase(
  label: string,
  options: Partial<Pick<DataSourceOptions, 'entities'>> = {},
): Promise<ScratchDatabase> {
  const name = `${process.env.TEST_DATABASE_NAME}_${label}_${randomBytes(3).toString('hex')}`;
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL!;
  const onServer = async (sql: string) => {
    const server = await new DataSource({ type: 'postgres', url: adminUrl }).initialize();
    try {
      await server.query(sql);
    } finally {
      await server.destroy();
    }
  };
  await onServer(`CREATE DATABASE ${name}`);
  const dataSource = new DataSource({
    type: 'postgres',
    url: Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString(),
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    namingStrategy: new SnakeNamingStrategy(),
    ...options,
  });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return {
    dataSource,
    async drop() {
      await dataSource.destroy();
      await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
