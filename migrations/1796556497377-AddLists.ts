import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddLists1796556497377 implements MigrationInterface {
  name = 'AddLists1796556497377';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE "public"."list_replies_policy" AS ENUM('followed', 'list', 'none')`);
    await queryRunner.query(`CREATE TABLE "lists" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "title" text NOT NULL, "replies_policy" "public"."list_replies_policy" NOT NULL DEFAULT 'list', "exclusive" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_268b525e9a6dd04d0685cb2aaaa" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "lists_account_idx" ON "lists"  ("account_id", "id") `);
    await queryRunner.query(`CREATE TABLE "list_accounts" ("id" uuid NOT NULL, "list_id" uuid NOT NULL, "account_id" uuid NOT NULL, "follow_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1340b1c9a1d54c08bf7ff883626" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "list_accounts_follow_idx" ON "list_accounts"  ("follow_id") `);
    await queryRunner.query(`CREATE INDEX "list_accounts_account_idx" ON "list_accounts"  ("account_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "list_accounts_pair_uq" ON "list_accounts"  ("list_id", "account_id") `);
    await queryRunner.query(`ALTER TABLE "lists" ADD CONSTRAINT "FK_e1788b1a85e28bdb3f38fef1a05" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "list_accounts" ADD CONSTRAINT "FK_ce2c46dc3333c137971b459c30c" FOREIGN KEY ("list_id") REFERENCES "lists"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "list_accounts" ADD CONSTRAINT "FK_8225c9c62595782174a1d072237" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "list_accounts" ADD CONSTRAINT "FK_fc89510f5f34a32eed8bf03a6b1" FOREIGN KEY ("follow_id") REFERENCES "follows"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "list_accounts" DROP CONSTRAINT "FK_fc89510f5f34a32eed8bf03a6b1"`);
    await queryRunner.query(`ALTER TABLE "list_accounts" DROP CONSTRAINT "FK_8225c9c62595782174a1d072237"`);
    await queryRunner.query(`ALTER TABLE "list_accounts" DROP CONSTRAINT "FK_ce2c46dc3333c137971b459c30c"`);
    await queryRunner.query(`ALTER TABLE "lists" DROP CONSTRAINT "FK_e1788b1a85e28bdb3f38fef1a05"`);
    await queryRunner.query(`DROP INDEX "public"."list_accounts_pair_uq"`);
    await queryRunner.query(`DROP INDEX "public"."list_accounts_account_idx"`);
    await queryRunner.query(`DROP INDEX "public"."list_accounts_follow_idx"`);
    await queryRunner.query(`DROP TABLE "list_accounts"`);
    await queryRunner.query(`DROP INDEX "public"."lists_account_idx"`);
    await queryRunner.query(`DROP TABLE "lists"`);
    await queryRunner.query(`DROP TYPE "public"."list_replies_policy"`);
  }
}
