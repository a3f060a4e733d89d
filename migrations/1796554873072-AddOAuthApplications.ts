import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddOAuthApplications1796554873072 implements MigrationInterface {
  name = 'AddOAuthApplications1796554873072';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "oauth_applications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "website" text, "redirect_uris" text array NOT NULL, "scopes" text array NOT NULL, "client_id" text NOT NULL, "client_secret_hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_119bc4c9ba7c2ab55b9fdcd543b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "oauth_applications_client_id_uq" ON "oauth_applications"  ("client_id") `);
    await queryRunner.query(`CREATE TABLE "oauth_authorization_codes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code_hash" text NOT NULL, "application_id" uuid NOT NULL, "user_id" uuid NOT NULL, "redirect_uri" text NOT NULL, "scopes" text array NOT NULL, "code_challenge" text, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_441350d3fce3606534fbb2c1197" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "oauth_authorization_codes_hash_uq" ON "oauth_authorization_codes"  ("code_hash") `);
    await queryRunner.query(`ALTER TABLE "sessions" ADD "application_id" uuid`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD "access_token_hash" text`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD CONSTRAINT "UQ_88ef72a4c63fc332c665ba28fd1" UNIQUE ("access_token_hash")`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD "scopes" text array`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19"`);
    await queryRunner.query(`ALTER TABLE "sessions" ALTER COLUMN "user_id" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "sessions" ALTER COLUMN "refresh_token_hash" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "sessions" ALTER COLUMN "expires_at" DROP NOT NULL`);
    await queryRunner.query(`CREATE INDEX "sessions_application_id_idx" ON "sessions"  ("application_id") `);
    await queryRunner.query(`ALTER TABLE "sessions" ADD CONSTRAINT "sessions_owner_ck" CHECK ("user_id" IS NOT NULL OR "application_id" IS NOT NULL)`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD CONSTRAINT "FK_857620203e8197cb66cb247c123" FOREIGN KEY ("application_id") REFERENCES "oauth_applications"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" DROP CONSTRAINT "FK_857620203e8197cb66cb247c123"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP CONSTRAINT "sessions_owner_ck"`);
    await queryRunner.query(`DROP INDEX "public"."sessions_application_id_idx"`);
    await queryRunner.query(`ALTER TABLE "sessions" ALTER COLUMN "expires_at" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "sessions" ALTER COLUMN "refresh_token_hash" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "sessions" ALTER COLUMN "user_id" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "scopes"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP CONSTRAINT "UQ_88ef72a4c63fc332c665ba28fd1"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "access_token_hash"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "application_id"`);
    await queryRunner.query(`DROP INDEX "public"."oauth_authorization_codes_hash_uq"`);
    await queryRunner.query(`DROP TABLE "oauth_authorization_codes"`);
    await queryRunner.query(`DROP INDEX "public"."oauth_applications_client_id_uq"`);
    await queryRunner.query(`DROP TABLE "oauth_applications"`);
  }
}
