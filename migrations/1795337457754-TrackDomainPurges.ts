import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TrackDomainPurges1795337457754 implements MigrationInterface {
  name = 'TrackDomainPurges1795337457754';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "domain_blocks" ADD "purge_run" integer NOT NULL DEFAULT '1'`);
    await queryRunner.query(`CREATE TYPE "public"."domain_purge_status" AS ENUM('pending', 'running', 'done', 'failed')`);
    await queryRunner.query(`ALTER TABLE "domain_blocks" ADD "purge_status" "public"."domain_purge_status" NOT NULL DEFAULT 'pending'`);
    await queryRunner.query(`ALTER TABLE "domain_blocks" ADD "accounts_purged" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "domain_blocks" ADD "posts_purged" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "domain_blocks" ADD "purge_started_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "domain_blocks" ADD "purge_finished_at" TIMESTAMP WITH TIME ZONE`);
    // Blocks made before this migration were purged in their request: done (what they removed was not counted).
    await queryRunner.query(
      `UPDATE "domain_blocks" SET "purge_status" = 'done', "purge_started_at" = "created_at", "purge_finished_at" = "created_at"`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "domain_blocks" DROP COLUMN "purge_finished_at"`);
    await queryRunner.query(`ALTER TABLE "domain_blocks" DROP COLUMN "purge_started_at"`);
    await queryRunner.query(`ALTER TABLE "domain_blocks" DROP COLUMN "posts_purged"`);
    await queryRunner.query(`ALTER TABLE "domain_blocks" DROP COLUMN "accounts_purged"`);
    await queryRunner.query(`ALTER TABLE "domain_blocks" DROP COLUMN "purge_status"`);
    await queryRunner.query(`DROP TYPE "public"."domain_purge_status"`);
    await queryRunner.query(`ALTER TABLE "domain_blocks" DROP COLUMN "purge_run"`);
  }
}
