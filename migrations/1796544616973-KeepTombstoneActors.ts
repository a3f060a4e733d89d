import type { MigrationInterface, QueryRunner } from 'typeorm';

export class KeepTombstoneActors1796544616973 implements MigrationInterface {
  name = 'KeepTombstoneActors1796544616973';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Tombstones kept before this migration did not say whose Delete they were: '' pre-empts no one.
    await queryRunner.query(`ALTER TABLE "remote_tombstones" ADD "actor_uri" text NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE "remote_tombstones" ALTER COLUMN "actor_uri" DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE "remote_tombstones" DROP CONSTRAINT "PK_59265b63fed6e80c1af296409e5"`);
    await queryRunner.query(`ALTER TABLE "remote_tombstones" ADD CONSTRAINT "PK_ac1aec6bfaf7e47e73b8d26a614" PRIMARY KEY ("uri", "actor_uri")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "remote_tombstones" DROP CONSTRAINT "PK_ac1aec6bfaf7e47e73b8d26a614"`);
    await queryRunner.query(
      `DELETE FROM "remote_tombstones" a USING "remote_tombstones" b WHERE a."uri" = b."uri" AND a."actor_uri" > b."actor_uri"`,
    );
    await queryRunner.query(`ALTER TABLE "remote_tombstones" ADD CONSTRAINT "PK_59265b63fed6e80c1af296409e5" PRIMARY KEY ("uri")`);
    await queryRunner.query(`ALTER TABLE "remote_tombstones" DROP COLUMN "actor_uri"`);
  }
}
