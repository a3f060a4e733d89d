import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCooperative1795328822379 implements MigrationInterface {
  name = 'CreateCooperative1795328822379';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "coop_members" ("account_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'pending', "applied_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "joined_at" TIMESTAMP WITH TIME ZONE, "withdrawn_at" TIMESTAMP WITH TIME ZONE, "share_paid_cents" bigint NOT NULL DEFAULT '0', CONSTRAINT "coop_members_share_ck" CHECK ("share_paid_cents" >= 0), CONSTRAINT "coop_members_status_ck" CHECK ("status" IN ('pending', 'active', 'inactive', 'suspended', 'withdrawn', 'expelled')), CONSTRAINT "PK_c455abf0c04f167bedcb19778ed" PRIMARY KEY ("account_id"))`);
    await queryRunner.query(`CREATE INDEX "coop_members_status_idx" ON "coop_members"  ("status") `);
    await queryRunner.query(`CREATE TABLE "coop_events" ("id" text NOT NULL, "seq" BIGSERIAL NOT NULL, "type" text NOT NULL, "member_id" uuid, "actor" text, "object" text, "amount" bigint, "reverses" text, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_369a1ccae3e14c2f3322de1fd53" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "coop_events_seq_uq" ON "coop_events"  ("seq") `);
    await queryRunner.query(`CREATE TABLE "coop_payments" ("id" text NOT NULL, "seq" BIGSERIAL NOT NULL, "kind" text NOT NULL, "amount_cents" bigint NOT NULL, "memo" text NOT NULL DEFAULT '', "member_id" uuid, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "coop_payments_amount_ck" CHECK ("amount_cents" > 0), CONSTRAINT "coop_payments_kind_ck" CHECK ("kind" IN ('revenue', 'cost')), CONSTRAINT "PK_c740789b1a01a46258a069493d7" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "coop_payments_seq_uq" ON "coop_payments"  ("seq") `);
    await queryRunner.query(`CREATE TABLE "coop_journal_entries" ("id" uuid NOT NULL, "key" text NOT NULL, "ledger" text NOT NULL, "period_id" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "coop_journal_entries_ledger_ck" CHECK ("ledger" IN ('money', 'units')), CONSTRAINT "PK_fbd8569e92c7f9d0f1cc4f5475e" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "coop_journal_entries_key_uq" ON "coop_journal_entries"  ("key", "ledger") `);
    await queryRunner.query(`CREATE TABLE "coop_periods" ("id" text NOT NULL, "seq" integer NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "status" text NOT NULL DEFAULT 'open', "parameters" jsonb NOT NULL, "vesting_periods" integer NOT NULL, "snapshot" json, "result" json, "input_hash" text, "output_hash" text, "events_through" bigint, "payments_through" bigint, "closed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "coop_periods_status_ck" CHECK ("status" IN ('open', 'closed')), CONSTRAINT "PK_ee8a499be06a9d0ef09c85a29b2" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "coop_periods_one_open_uq" ON "coop_periods"  ("status") WHERE "status" = 'open'`);
    await queryRunner.query(`CREATE UNIQUE INDEX "coop_periods_seq_uq" ON "coop_periods"  ("seq") `);
    await queryRunner.query(`CREATE TABLE "coop_postings" ("id" BIGSERIAL NOT NULL, "entry_id" uuid NOT NULL, "account" text NOT NULL, "member_id" uuid, "vintage" text, "amount" bigint NOT NULL, CONSTRAINT "PK_4594f1b2cbc30c9e548ed3a82e9" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "coop_postings_member_idx" ON "coop_postings"  ("member_id", "account") `);
    await queryRunner.query(`CREATE INDEX "coop_postings_entry_idx" ON "coop_postings"  ("entry_id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."coop_postings_entry_idx"`);
    await queryRunner.query(`DROP INDEX "public"."coop_postings_member_idx"`);
    await queryRunner.query(`DROP TABLE "coop_postings"`);
    await queryRunner.query(`DROP INDEX "public"."coop_periods_seq_uq"`);
    await queryRunner.query(`DROP INDEX "public"."coop_periods_one_open_uq"`);
    await queryRunner.query(`DROP TABLE "coop_periods"`);
    await queryRunner.query(`DROP INDEX "public"."coop_journal_entries_key_uq"`);
    await queryRunner.query(`DROP TABLE "coop_journal_entries"`);
    await queryRunner.query(`DROP INDEX "public"."coop_payments_seq_uq"`);
    await queryRunner.query(`DROP TABLE "coop_payments"`);
    await queryRunner.query(`DROP INDEX "public"."coop_events_seq_uq"`);
    await queryRunner.query(`DROP TABLE "coop_events"`);
    await queryRunner.query(`DROP INDEX "public"."coop_members_status_idx"`);
    await queryRunner.query(`DROP TABLE "coop_members"`);
  }
}
