import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddReadMarkers1796559584711 implements MigrationInterface {
  name = 'AddReadMarkers1796559584711';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "mastodon_markers" ("account_id" uuid NOT NULL, "timeline" text NOT NULL, "last_read_id" text NOT NULL, "version" integer NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_d01e20c2563255e084763ff98b4" PRIMARY KEY ("account_id", "timeline"))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "mastodon_markers"`);
  }
}
