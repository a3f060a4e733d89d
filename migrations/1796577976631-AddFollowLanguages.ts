import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddFollowLanguages1796577976631 implements MigrationInterface {
  name = 'AddFollowLanguages1796577976631';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "follows" ADD "languages" text array`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "follows" DROP COLUMN "languages"`);
  }
}
