import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePolls1796556125650 implements MigrationInterface {
  name = 'CreatePolls1796556125650';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "polls" ("id" uuid NOT NULL, "post_id" uuid NOT NULL, "account_id" uuid NOT NULL, "options" text array NOT NULL, "votes_counts" integer array NOT NULL, "multiple" boolean NOT NULL DEFAULT false, "hide_totals" boolean NOT NULL DEFAULT false, "votes_count" integer NOT NULL DEFAULT '0', "voters_count" integer, "expires_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "REL_91474fbc21eaecda25c2d9a19e" UNIQUE ("post_id"), CONSTRAINT "PK_b9bbb8fc7b142553c518ddffbb6" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "polls_due_idx" ON "polls"  ("expires_at") WHERE "closed_at" IS NULL AND "expires_at" IS NOT NULL`);
    await queryRunner.query(`CREATE TABLE "poll_votes" ("id" uuid NOT NULL, "poll_id" uuid NOT NULL, "account_id" uuid NOT NULL, "choice" integer NOT NULL, "uri" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_184b4ca9f1772831627d41f25c6" UNIQUE ("uri"), CONSTRAINT "PK_b94b2749fdb5f5dd3836b8f907a" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "poll_votes_account_idx" ON "poll_votes"  ("account_id", "poll_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "poll_votes_choice_uq" ON "poll_votes"  ("poll_id", "account_id", "choice") `);
    await queryRunner.query(`ALTER TYPE "public"."notification_type" ADD VALUE 'poll'`);
    await queryRunner.query(`ALTER TABLE "polls" ADD CONSTRAINT "FK_91474fbc21eaecda25c2d9a19eb" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "polls" ADD CONSTRAINT "FK_6fc31a70c71bbb0c32faf62cef4" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "poll_votes" ADD CONSTRAINT "FK_ba03ab00c027c6499e7ddc73404" FOREIGN KEY ("poll_id") REFERENCES "polls"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "poll_votes" ADD CONSTRAINT "FK_6a6bb4856250bb931e576183853" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "poll_votes" DROP CONSTRAINT "FK_6a6bb4856250bb931e576183853"`);
    await queryRunner.query(`ALTER TABLE "poll_votes" DROP CONSTRAINT "FK_ba03ab00c027c6499e7ddc73404"`);
    await queryRunner.query(`ALTER TABLE "polls" DROP CONSTRAINT "FK_6fc31a70c71bbb0c32faf62cef4"`);
    await queryRunner.query(`ALTER TABLE "polls" DROP CONSTRAINT "FK_91474fbc21eaecda25c2d9a19eb"`);
    await queryRunner.query(`CREATE TYPE "public"."notification_type_old" AS ENUM('follow', 'follow_request', 'mention', 'reply', 'like', 'boost')`);
    await queryRunner.query(`ALTER TABLE "notifications" ALTER COLUMN "type" TYPE "public"."notification_type_old" USING "type"::"text"::"public"."notification_type_old"`);
    await queryRunner.query(`DROP TYPE "public"."notification_type"`);
    await queryRunner.query(`ALTER TYPE "public"."notification_type_old" RENAME TO "notification_type"`);
    await queryRunner.query(`DROP INDEX "public"."poll_votes_choice_uq"`);
    await queryRunner.query(`DROP INDEX "public"."poll_votes_account_idx"`);
    await queryRunner.query(`DROP TABLE "poll_votes"`);
    await queryRunner.query(`DROP INDEX "public"."polls_due_idx"`);
    await queryRunner.query(`DROP TABLE "polls"`);
  }
}
