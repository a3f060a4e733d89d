import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddAccountDomainBlocks1796556437642 implements MigrationInterface {
  name = 'AddAccountDomainBlocks1796556437642';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "account_domain_blocks" ("id" uuid NOT NULL, "account_id" uuid NOT NULL, "domain" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_071128fe84eb187b2d0649f18f7" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "account_domain_blocks_uq" ON "account_domain_blocks"  ("account_id", "domain") `);
    await queryRunner.query(`ALTER TABLE "account_domain_blocks" ADD CONSTRAINT "FK_e8f28cd435fc5e3a2cf22281470" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "account_domain_blocks" DROP CONSTRAINT "FK_e8f28cd435fc5e3a2cf22281470"`);
    await queryRunner.query(`DROP INDEX "public"."account_domain_blocks_uq"`);
    await queryRunner.query(`DROP TABLE "account_domain_blocks"`);
  }
}
