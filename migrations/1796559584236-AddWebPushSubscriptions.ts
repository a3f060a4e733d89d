import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddWebPushSubscriptions1796559584236 implements MigrationInterface {
  name = 'AddWebPushSubscriptions1796559584236';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE "public"."web_push_policy" AS ENUM('all', 'followed', 'follower', 'none')`);
    await queryRunner.query(`CREATE TABLE "web_push_subscriptions" ("id" uuid NOT NULL, "session_id" uuid NOT NULL, "account_id" uuid NOT NULL, "endpoint" text NOT NULL, "key_p256dh" text NOT NULL, "key_auth" text NOT NULL, "standard" boolean NOT NULL DEFAULT false, "alerts" jsonb NOT NULL, "policy" "public"."web_push_policy" NOT NULL DEFAULT 'all', "sealed_access_token" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8fdd353125d839be247dfdd8caa" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "web_push_subscriptions_session_uq" ON "web_push_subscriptions"  ("session_id") `);
    await queryRunner.query(`CREATE INDEX "web_push_subscriptions_account_idx" ON "web_push_subscriptions"  ("account_id") `);
    await queryRunner.query(`ALTER TABLE "web_push_subscriptions" ADD CONSTRAINT "FK_4155fb149c5629aaabaad6376a8" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "web_push_subscriptions" DROP CONSTRAINT "FK_4155fb149c5629aaabaad6376a8"`);
    await queryRunner.query(`DROP INDEX "public"."web_push_subscriptions_account_idx"`);
    await queryRunner.query(`DROP INDEX "public"."web_push_subscriptions_session_uq"`);
    await queryRunner.query(`DROP TABLE "web_push_subscriptions"`);
    await queryRunner.query(`DROP TYPE "public"."web_push_policy"`);
  }
}
