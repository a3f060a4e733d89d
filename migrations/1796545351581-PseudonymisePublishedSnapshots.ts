import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PseudonymisePublishedSnapshots1796545351581 implements MigrationInterface {
  name = 'PseudonymisePublishedSnapshots1796545351581';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "coop_periods" ADD "published_snapshot" json`);
    await queryRunner.query(`ALTER TABLE "coop_periods" ADD "pseudonym_key" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "coop_periods" DROP COLUMN "pseudonym_key"`);
    await queryRunner.query(`ALTER TABLE "coop_periods" DROP COLUMN "published_snapshot"`);
  }
}
