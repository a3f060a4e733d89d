import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateFederationKeys1795321712102 implements MigrationInterface {
  name = 'CreateFederationKeys1795321712102';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "actor_keys" ("account_id" uuid NOT NULL, "rsa_public_key" text NOT NULL, "rsa_private_key" text NOT NULL, "ed25519_public_key" text NOT NULL, "ed25519_private_key" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1310a4c7375a009c29f2b4f33dd" PRIMARY KEY ("account_id"))`);
    await queryRunner.query(`CREATE TABLE "federation_kv" ("key" text NOT NULL, "value" jsonb NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_d40c183e9c3fad8cbeae82d602c" PRIMARY KEY ("key"))`);
    await queryRunner.query(`CREATE INDEX "federation_kv_expires_at_idx" ON "federation_kv"  ("expires_at") WHERE "expires_at" IS NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."federation_kv_expires_at_idx"`);
    await queryRunner.query(`DROP TABLE "federation_kv"`);
    await queryRunner.query(`DROP TABLE "actor_keys"`);
  }
}
