import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCoopGovernance1795331903856 implements MigrationInterface {
  name = 'CreateCoopGovernance1795331903856';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "coop_proposals" ("id" uuid NOT NULL, "proposer_id" uuid NOT NULL, "rationale" text NOT NULL DEFAULT '', "changes" jsonb NOT NULL, "status" text NOT NULL DEFAULT 'open', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "closes_at" TIMESTAMP WITH TIME ZONE NOT NULL, "decided_at" TIMESTAMP WITH TIME ZONE, "yes" integer, "no" integer, "abstain" integer, "electorate" integer, "outcome" text, "parameters" jsonb, "vesting_periods" integer, CONSTRAINT "coop_proposals_status_ck" CHECK ("status" IN ('open', 'adopted', 'rejected')), CONSTRAINT "PK_d73d1988cbe1587290df43c3a67" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "coop_proposals_adopted_idx" ON "coop_proposals"  ("decided_at") WHERE "status" = 'adopted'`);
    await queryRunner.query(`CREATE TABLE "coop_votes" ("proposal_id" uuid NOT NULL, "member_id" uuid NOT NULL, "choice" text NOT NULL, "voted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "coop_votes_choice_ck" CHECK ("choice" IN ('YES', 'NO', 'ABSTAIN')), CONSTRAINT "PK_2c25907e8332afa894c86004c80" PRIMARY KEY ("proposal_id", "member_id"))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "coop_votes"`);
    await queryRunner.query(`DROP INDEX "public"."coop_proposals_adopted_idx"`);
    await queryRunner.query(`DROP TABLE "coop_proposals"`);
  }
}
