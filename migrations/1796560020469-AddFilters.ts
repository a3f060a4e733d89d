import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddFilters1796560020469 implements MigrationInterface {
  name = 'AddFilters1796560020469';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "filters" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "title" text NOT NULL, "context" text array NOT NULL, "action" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0a3564db8ce9b0dcb991598944c" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "filters_account_idx" ON "filters"  ("account_id") `);
    await queryRunner.query(`CREATE TABLE "filter_keywords" ("id" uuid NOT NULL, "filter_id" uuid NOT NULL, "keyword" text NOT NULL, "whole_word" boolean NOT NULL DEFAULT true, CONSTRAINT "PK_0fe15fa6c761257207fb72acf8e" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "filter_keywords_filter_idx" ON "filter_keywords"  ("filter_id") `);
    await queryRunner.query(`CREATE TABLE "filter_statuses" ("id" uuid NOT NULL, "filter_id" uuid NOT NULL, "post_id" uuid NOT NULL, CONSTRAINT "PK_5c144233cdc83845b82c2a9299d" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "filter_statuses_filter_post_uq" ON "filter_statuses"  ("filter_id", "post_id") `);
    await queryRunner.query(`ALTER TABLE "filter_keywords" ADD CONSTRAINT "FK_9369bd038aab89f2cd1e251c73a" FOREIGN KEY ("filter_id") REFERENCES "filters"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "filter_statuses" ADD CONSTRAINT "FK_182608fcbb10a0bd4bad008de85" FOREIGN KEY ("filter_id") REFERENCES "filters"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "filter_statuses" ADD CONSTRAINT "FK_4614c3a35a56d1f6832e617db2a" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "filter_statuses" DROP CONSTRAINT "FK_4614c3a35a56d1f6832e617db2a"`);
    await queryRunner.query(`ALTER TABLE "filter_statuses" DROP CONSTRAINT "FK_182608fcbb10a0bd4bad008de85"`);
    await queryRunner.query(`ALTER TABLE "filter_keywords" DROP CONSTRAINT "FK_9369bd038aab89f2cd1e251c73a"`);
    await queryRunner.query(`DROP INDEX "public"."filter_statuses_filter_post_uq"`);
    await queryRunner.query(`DROP TABLE "filter_statuses"`);
    await queryRunner.query(`DROP INDEX "public"."filter_keywords_filter_idx"`);
    await queryRunner.query(`DROP TABLE "filter_keywords"`);
    await queryRunner.query(`DROP INDEX "public"."filters_account_idx"`);
    await queryRunner.query(`DROP TABLE "filters"`);
  }
}
