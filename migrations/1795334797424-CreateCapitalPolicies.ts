import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCapitalPolicies1795334797424 implements MigrationInterface {
  name = 'CreateCapitalPolicies1795334797424';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "coop_capital_policies" ("id" uuid NOT NULL, "revolving_periods" integer NOT NULL, "min_payout_cents" bigint NOT NULL, "set_by" uuid NOT NULL, "reason" text NOT NULL DEFAULT '', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "coop_capital_policies_min_payout_ck" CHECK ("min_payout_cents" >= 0), CONSTRAINT "coop_capital_policies_revolving_ck" CHECK ("revolving_periods" >= 1), CONSTRAINT "PK_83d7f7a4a0a2d5f249f81dd03c9" PRIMARY KEY ("id"))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "coop_capital_policies"`);
  }
}
