import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddTimedMutesAndReportCategories1796566420152 implements MigrationInterface {
  name = 'AddTimedMutesAndReportCategories1796566420152';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "mutes" ADD "expires_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "mutes" ADD "hide_notifications" boolean NOT NULL DEFAULT true`);
    await queryRunner.query(`ALTER TABLE "reports" ADD "category" text NOT NULL DEFAULT 'other'`);
    await queryRunner.query(`ALTER TABLE "reports" ADD "rule_ids" text array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "reports" ADD "forwarded" boolean NOT NULL DEFAULT false`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "reports" DROP COLUMN "forwarded"`);
    await queryRunner.query(`ALTER TABLE "reports" DROP COLUMN "rule_ids"`);
    await queryRunner.query(`ALTER TABLE "reports" DROP COLUMN "category"`);
    await queryRunner.query(`ALTER TABLE "mutes" DROP COLUMN "hide_notifications"`);
    await queryRunner.query(`ALTER TABLE "mutes" DROP COLUMN "expires_at"`);
  }
}
