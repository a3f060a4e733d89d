import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LinkRemoteMedia1795336382902 implements MigrationInterface {
  name = 'LinkRemoteMedia1795336382902';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "media_attachments" ADD "blurhash" text`);
    await queryRunner.query(`ALTER TABLE "media_attachments" ALTER COLUMN "byte_size" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "media_attachments" ALTER COLUMN "width" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "media_attachments" ALTER COLUMN "height" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "media_attachments" ADD CONSTRAINT "media_attachments_source_check" CHECK ((storage_key IS NULL) <> (remote_url IS NULL))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "media_attachments" DROP CONSTRAINT "media_attachments_source_check"`);
    await queryRunner.query(`ALTER TABLE "media_attachments" ALTER COLUMN "height" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "media_attachments" ALTER COLUMN "width" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "media_attachments" ALTER COLUMN "byte_size" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "media_attachments" DROP COLUMN "blurhash"`);
  }
}
