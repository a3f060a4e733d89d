import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddPostEditPollOptions1796590344080 implements MigrationInterface {
  name = 'AddPostEditPollOptions1796590344080';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "post_edits" ADD "poll_options" text array`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "post_edits" DROP COLUMN "poll_options"`);
  }
}
