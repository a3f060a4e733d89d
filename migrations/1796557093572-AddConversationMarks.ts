import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddConversationMarks1796557093572 implements MigrationInterface {
  name = 'AddConversationMarks1796557093572';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "conversation_marks" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "root_id" uuid NOT NULL, "last_read_id" uuid, "hidden_until_id" uuid, CONSTRAINT "PK_7e53733fe34eb84e58d949792e0" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "conversation_marks_pair_uq" ON "conversation_marks"  ("account_id", "root_id") `);
    await queryRunner.query(`ALTER TABLE "conversation_marks" ADD CONSTRAINT "FK_dc707ec2422b16d9aa98035f96c" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "conversation_marks" ADD CONSTRAINT "FK_a760f0cfee0263179ceef5e6b30" FOREIGN KEY ("root_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "conversation_marks" DROP CONSTRAINT "FK_a760f0cfee0263179ceef5e6b30"`);
    await queryRunner.query(`ALTER TABLE "conversation_marks" DROP CONSTRAINT "FK_dc707ec2422b16d9aa98035f96c"`);
    await queryRunner.query(`DROP INDEX "public"."conversation_marks_pair_uq"`);
    await queryRunner.query(`DROP TABLE "conversation_marks"`);
  }
}
