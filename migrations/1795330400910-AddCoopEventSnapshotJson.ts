import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddCoopEventSnapshotJson1795330400910 implements MigrationInterface {
  name = 'AddCoopEventSnapshotJson1795330400910';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "coop_events" ADD "snapshot_json" text NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "coop_events" DROP COLUMN "snapshot_json"`);
  }
}
