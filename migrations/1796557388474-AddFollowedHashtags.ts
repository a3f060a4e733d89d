import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddFollowedHashtags1796557388474 implements MigrationInterface {
  name = 'AddFollowedHashtags1796557388474';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "followed_hashtags" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "hashtag_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_52753f931f2d1baec7f168d8570" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "followed_hashtags_uq" ON "followed_hashtags"  ("account_id", "hashtag_id") `);
    await queryRunner.query(`ALTER TABLE "followed_hashtags" ADD CONSTRAINT "FK_cb02feb0223e961d19974ef0656" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "followed_hashtags" ADD CONSTRAINT "FK_3cf72a247c881970e211b30e030" FOREIGN KEY ("hashtag_id") REFERENCES "hashtags"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "followed_hashtags" DROP CONSTRAINT "FK_3cf72a247c881970e211b30e030"`);
    await queryRunner.query(`ALTER TABLE "followed_hashtags" DROP CONSTRAINT "FK_cb02feb0223e961d19974ef0656"`);
    await queryRunner.query(`DROP INDEX "public"."followed_hashtags_uq"`);
    await queryRunner.query(`DROP TABLE "followed_hashtags"`);
  }
}
