import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddMediaPreviewsAndFocus1796554950426 implements MigrationInterface {
  name = 'AddMediaPreviewsAndFocus1796554950426';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "media_attachments" ADD "preview_storage_key" text`);
    await queryRunner.query(`ALTER TABLE "media_attachments" ADD "preview_width" integer`);
    await queryRunner.query(`ALTER TABLE "media_attachments" ADD "preview_height" integer`);
    await queryRunner.query(`ALTER TABLE "media_attachments" ADD "preview_byte_size" integer`);
    await queryRunner.query(`ALTER TABLE "media_attachments" ADD "focus_x" real`);
    await queryRunner.query(`ALTER TABLE "media_attachments" ADD "focus_y" real`);
    await queryRunner.query(`ALTER TABLE "media_attachments" ADD CONSTRAINT "media_attachments_focus_check" CHECK ((focus_x IS NULL AND focus_y IS NULL) OR (focus_x BETWEEN -1 AND 1 AND focus_y BETWEEN -1 AND 1))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "media_attachments" DROP CONSTRAINT "media_attachments_focus_check"`);
    await queryRunner.query(`ALTER TABLE "media_attachments" DROP COLUMN "focus_y"`);
    await queryRunner.query(`ALTER TABLE "media_attachments" DROP COLUMN "focus_x"`);
    await queryRunner.query(`ALTER TABLE "media_attachments" DROP COLUMN "preview_byte_size"`);
    await queryRunner.query(`ALTER TABLE "media_attachments" DROP COLUMN "preview_height"`);
    await queryRunner.query(`ALTER TABLE "media_attachments" DROP COLUMN "preview_width"`);
    await queryRunner.query(`ALTER TABLE "media_attachments" DROP COLUMN "preview_storage_key"`);
  }
}
