import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddPinsMutesScheduledPostsAndIdempotencyKeys1796556627150 implements MigrationInterface {
  name = 'AddPinsMutesScheduledPostsAndIdempotencyKeys1796556627150';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "post_idempotency_keys" ("account_id" uuid NOT NULL, "key" text NOT NULL, "post_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_09fcae63b1a8713859e4f1d8415" PRIMARY KEY ("account_id", "key"))`);
    await queryRunner.query(`CREATE INDEX "post_idempotency_keys_created_idx" ON "post_idempotency_keys"  ("created_at") `);
    await queryRunner.query(`CREATE TABLE "conversation_mutes" ("account_id" uuid NOT NULL, "root_post_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6e00d2f80cc454d18af23f8d4b9" PRIMARY KEY ("account_id", "root_post_id"))`);
    await queryRunner.query(`CREATE TABLE "pinned_posts" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "post_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f89569c59a9082fcce322d9d917" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "pinned_posts_account_idx" ON "pinned_posts"  ("account_id", "id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "pinned_posts_pair_uq" ON "pinned_posts"  ("account_id", "post_id") `);
    await queryRunner.query(`CREATE TABLE "scheduled_posts" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "scheduled_at" TIMESTAMP WITH TIME ZONE NOT NULL, "params" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0408d38eae4ccb97d9bbb148da1" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "scheduled_posts_account_idx" ON "scheduled_posts"  ("account_id", "id") `);
    await queryRunner.query(`ALTER TABLE "conversation_mutes" ADD CONSTRAINT "FK_44a5043c1349a43a57155d5e959" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "conversation_mutes" ADD CONSTRAINT "FK_63c7c97573d5c07831367151e32" FOREIGN KEY ("root_post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "pinned_posts" ADD CONSTRAINT "FK_ccb454acc3bb16572c6f01fdbdc" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "pinned_posts" ADD CONSTRAINT "FK_1691a09891f5e58fe6d52288128" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "scheduled_posts" ADD CONSTRAINT "FK_89feaf5d237c0d24631e8bfa136" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "scheduled_posts" DROP CONSTRAINT "FK_89feaf5d237c0d24631e8bfa136"`);
    await queryRunner.query(`ALTER TABLE "pinned_posts" DROP CONSTRAINT "FK_1691a09891f5e58fe6d52288128"`);
    await queryRunner.query(`ALTER TABLE "pinned_posts" DROP CONSTRAINT "FK_ccb454acc3bb16572c6f01fdbdc"`);
    await queryRunner.query(`ALTER TABLE "conversation_mutes" DROP CONSTRAINT "FK_63c7c97573d5c07831367151e32"`);
    await queryRunner.query(`ALTER TABLE "conversation_mutes" DROP CONSTRAINT "FK_44a5043c1349a43a57155d5e959"`);
    await queryRunner.query(`DROP INDEX "public"."scheduled_posts_account_idx"`);
    await queryRunner.query(`DROP TABLE "scheduled_posts"`);
    await queryRunner.query(`DROP INDEX "public"."pinned_posts_pair_uq"`);
    await queryRunner.query(`DROP INDEX "public"."pinned_posts_account_idx"`);
    await queryRunner.query(`DROP TABLE "pinned_posts"`);
    await queryRunner.query(`DROP TABLE "conversation_mutes"`);
    await queryRunner.query(`DROP INDEX "public"."post_idempotency_keys_created_idx"`);
    await queryRunner.query(`DROP TABLE "post_idempotency_keys"`);
  }
}
