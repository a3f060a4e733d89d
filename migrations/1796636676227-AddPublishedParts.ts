import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddPublishedParts1796636676227 implements MigrationInterface {
  name = 'AddPublishedParts1796636676227';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "coop_published_parts" ("period_id" text NOT NULL, "n" integer NOT NULL, "part" text NOT NULL, CONSTRAINT "PK_a887c238bab7d790c34dd462039" PRIMARY KEY ("period_id", "n"))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "coop_published_parts"`);
  }
}
