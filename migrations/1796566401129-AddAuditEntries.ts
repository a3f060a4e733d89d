import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddAuditEntries1796566401129 implements MigrationInterface {
  name = 'AddAuditEntries1796566401129';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "audit_entries" ("id" uuid NOT NULL, "actor_id" uuid, "action" text NOT NULL, "subject" text NOT NULL, "details" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6b1623bcad4d04530b76548d619" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "audit_entries_actor_idx" ON "audit_entries"  ("actor_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "audit_entries_created_idx" ON "audit_entries"  ("created_at", "id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."audit_entries_created_idx"`);
    await queryRunner.query(`DROP INDEX "public"."audit_entries_actor_idx"`);
    await queryRunner.query(`DROP TABLE "audit_entries"`);
  }
}
