import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateFederationInboxAndModeration1795324851660 implements MigrationInterface {
  name = 'CreateFederationInboxAndModeration1795324851660';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "federation_hosts" ("host" text NOT NULL, "failure_count" integer NOT NULL DEFAULT '0', "last_failure_at" TIMESTAMP WITH TIME ZONE, "last_error" text, "last_success_at" TIMESTAMP WITH TIME ZONE, "unavailable_since" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_e4e1cfec594865ec607fac3f7cf" PRIMARY KEY ("host"))`);
    await queryRunner.query(`CREATE TABLE "remote_tombstones" ("uri" text NOT NULL, "deleted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_59265b63fed6e80c1af296409e5" PRIMARY KEY ("uri"))`);
    await queryRunner.query(`CREATE TABLE "domain_blocks" ("domain" text NOT NULL, "reason" text, "created_by_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d1c5701983ce0e100c9eda60352" PRIMARY KEY ("domain"))`);
    await queryRunner.query(`CREATE TABLE "reports" ("id" uuid NOT NULL, "uri" text, "reporter_id" uuid, "source_domain" text, "target_account_id" uuid NOT NULL, "post_ids" uuid array NOT NULL DEFAULT '{}', "comment" text NOT NULL DEFAULT '', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "resolved_at" TIMESTAMP WITH TIME ZONE, "resolved_by_id" uuid, CONSTRAINT "UQ_c894aab52d8cf8ccadf14dc1921" UNIQUE ("uri"), CONSTRAINT "PK_d9013193989303580053c0b5ef6" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "reports_open_idx" ON "reports"  ("id") WHERE "resolved_at" IS NULL`);
    await queryRunner.query(`ALTER TABLE "accounts" ADD "inbox_url" text`);
    await queryRunner.query(`ALTER TABLE "accounts" ADD "shared_inbox_url" text`);
    await queryRunner.query(`ALTER TABLE "accounts" ADD "followers_url" text`);
    await queryRunner.query(`ALTER TABLE "accounts" ADD "actor_type" text`);
    await queryRunner.query(`ALTER TABLE "accounts" ADD "also_known_as" jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE "accounts" ADD "moved_to_account_id" uuid`);
    await queryRunner.query(`ALTER TABLE "accounts" ADD "last_fetched_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "accounts" ADD "suspended_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "accounts" DROP COLUMN "suspended_at"`);
    await queryRunner.query(`ALTER TABLE "accounts" DROP COLUMN "last_fetched_at"`);
    await queryRunner.query(`ALTER TABLE "accounts" DROP COLUMN "moved_to_account_id"`);
    await queryRunner.query(`ALTER TABLE "accounts" DROP COLUMN "also_known_as"`);
    await queryRunner.query(`ALTER TABLE "accounts" DROP COLUMN "actor_type"`);
    await queryRunner.query(`ALTER TABLE "accounts" DROP COLUMN "followers_url"`);
    await queryRunner.query(`ALTER TABLE "accounts" DROP COLUMN "shared_inbox_url"`);
    await queryRunner.query(`ALTER TABLE "accounts" DROP COLUMN "inbox_url"`);
    await queryRunner.query(`DROP INDEX "public"."reports_open_idx"`);
    await queryRunner.query(`DROP TABLE "reports"`);
    await queryRunner.query(`DROP TABLE "domain_blocks"`);
    await queryRunner.query(`DROP TABLE "remote_tombstones"`);
    await queryRunner.query(`DROP TABLE "federation_hosts"`);
  }
}
