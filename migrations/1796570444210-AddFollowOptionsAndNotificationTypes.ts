import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddFollowOptionsAndNotificationTypes1796570444210 implements MigrationInterface {
  name = 'AddFollowOptionsAndNotificationTypes1796570444210';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "follows" ADD "show_reblogs" boolean NOT NULL DEFAULT true`);
    await queryRunner.query(`ALTER TABLE "follows" ADD "notify" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "notifications" ADD "report_id" uuid`);
    await queryRunner.query(`ALTER TYPE "public"."notification_type" ADD VALUE 'status'`);
    await queryRunner.query(`ALTER TYPE "public"."notification_type" ADD VALUE 'update'`);
    await queryRunner.query(`ALTER TYPE "public"."notification_type" ADD VALUE 'admin.sign_up'`);
    await queryRunner.query(`ALTER TYPE "public"."notification_type" ADD VALUE 'admin.report'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE "public"."notification_type_old" AS ENUM('follow', 'follow_request', 'mention', 'reply', 'like', 'boost', 'poll')`);
    await queryRunner.query(`ALTER TABLE "notifications" ALTER COLUMN "type" TYPE "public"."notification_type_old" USING "type"::"text"::"public"."notification_type_old"`);
    await queryRunner.query(`DROP TYPE "public"."notification_type"`);
    await queryRunner.query(`ALTER TYPE "public"."notification_type_old" RENAME TO "notification_type"`);
    await queryRunner.query(`ALTER TABLE "notifications" DROP COLUMN "report_id"`);
    await queryRunner.query(`ALTER TABLE "follows" DROP COLUMN "notify"`);
    await queryRunner.query(`ALTER TABLE "follows" DROP COLUMN "show_reblogs"`);
  }
}
