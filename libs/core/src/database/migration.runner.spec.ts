import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { MigrationRunner } from './migration.runner';

class CreateWidgets1700000000000 implements MigrationInterface {
  name = 'CreateWidgets1700000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    // Not idempotent on purpose: running it twice would fail.
    await queryRunner.query('CREATE TABLE widgets (id integer PRIMARY KEY)');
    await queryRunner.query('SELECT pg_sleep(0.2)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE widgets');
  }
}

describe('MigrationRunner', () => {
  const name = `guildhall_migrate_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: process.env.TEST_DATABASE_ADMIN_URL });
  const url = Object.assign(new URL(process.env.TEST_DATABASE_ADMIN_URL!), { pathname: `/${name}` }).toString();
  const sources: DataSource[] = [];

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  });
  afterAll(async () => {
    await Promise.all(sources.map((s) => s.destroy()));
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('lets exactly one of several processes starting at once apply a migration', async () => {
    for (let i = 0; i < 3; i += 1) {
      sources.push(
        await new DataSource({
          type: 'postgres',
          url,
          migrations: [CreateWidgets1700000000000],
          migrationsTableName: 'schema_migrations',
        }).initialize(),
      );
    }
    const applied = await Promise.all(sources.map((source) => new MigrationRunner(source).run()));
    expect(applied.map((list) => list.length).sort()).toEqual([0, 0, 1]);
    const rows = await sources[0].query<{ name: string }[]>('SELECT name FROM schema_migrations');
    expect(rows).toEqual([{ name: 'CreateWidgets1700000000000' }]);
  });
});
