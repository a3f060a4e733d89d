import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SecureCredentials1796544203566 implements MigrationInterface {
  name = 'SecureCredentials1796544203566';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "spent_refresh_tokens" ("token_hash" text NOT NULL, "session_id" uuid NOT NULL, "spent_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b432dbc7e329e80b1308d3b70e4" PRIMARY KEY ("token_hash"))`);
    await queryRunner.query(`CREATE INDEX "spent_refresh_tokens_session_id_idx" ON "spent_refresh_tokens"  ("session_id") `);
    await queryRunner.query(`CREATE INDEX "spent_refresh_tokens_spent_at_idx" ON "spent_refresh_tokens"  ("spent_at") `);
    await queryRunner.query(`CREATE TABLE "password_resets" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "token_hash" text NOT NULL, "issued_by_account_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_4816377aa98211c1de34469e742" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "password_resets_user_id_idx" ON "password_resets"  ("user_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "password_resets_token_hash_uq" ON "password_resets"  ("token_hash") `);
    await queryRunner.query(`ALTER TABLE "accounts" ADD "suspended_by_role" text`);
    await queryRunner.query(`ALTER TABLE "spent_refresh_tokens" ADD CONSTRAINT "FK_dd85bde5c004e5834f2219b9c47" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "password_resets" ADD CONSTRAINT "FK_f7a4c3bc48f24df007936d217be" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "password_resets" DROP CONSTRAINT "FK_f7a4c3bc48f24df007936d217be"`);
    await queryRunner.query(`ALTER TABLE "spent_refresh_tokens" DROP CONSTRAINT "FK_dd85bde5c004e5834f2219b9c47"`);
    await queryRunner.query(`ALTER TABLE "accounts" DROP COLUMN "suspended_by_role"`);
    await queryRunner.query(`DROP INDEX "public"."password_resets_token_hash_uq"`);
    await queryRunner.query(`DROP INDEX "public"."password_resets_user_id_idx"`);
    await queryRunner.query(`DROP TABLE "password_resets"`);
    await queryRunner.query(`DROP INDEX "public"."spent_refresh_tokens_spent_at_idx"`);
    await queryRunner.query(`DROP INDEX "public"."spent_refresh_tokens_session_id_idx"`);
    await queryRunner.query(`DROP TABLE "spent_refresh_tokens"`);
  }
}
