import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDomainEventOutbox1796544856391 implements MigrationInterface {
  name = 'CreateDomainEventOutbox1796544856391';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "domain_events" ("id" BIGSERIAL NOT NULL, "name" text NOT NULL, "aggregate" text NOT NULL, "payload" jsonb NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_66e0920a32dda3a89b46ee7a981" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "domain_event_deliveries" ("event_id" bigint NOT NULL, "subscriber" text NOT NULL, "aggregate" text NOT NULL, "state" text NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "lease_until" TIMESTAMP WITH TIME ZONE, "lease_token" uuid, "last_error" text, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "domain_event_deliveries_state_ck" CHECK ("state" IN ('pending', 'done', 'dead')), CONSTRAINT "PK_6475dc437dc69e81b9a55c0dfec" PRIMARY KEY ("event_id", "subscriber"))`);
    await queryRunner.query(`CREATE INDEX "domain_event_deliveries_order_idx" ON "domain_event_deliveries"  ("subscriber", "aggregate", "event_id") WHERE "state" <> 'done'`);
    await queryRunner.query(`CREATE INDEX "domain_event_deliveries_due_idx" ON "domain_event_deliveries"  ("next_attempt_at") WHERE "state" = 'pending'`);
    await queryRunner.query(`ALTER TABLE "domain_event_deliveries" ADD CONSTRAINT "FK_1ce25d33d7f84cc004f92c7650e" FOREIGN KEY ("event_id") REFERENCES "domain_events"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "domain_event_deliveries" DROP CONSTRAINT "FK_1ce25d33d7f84cc004f92c7650e"`);
    await queryRunner.query(`DROP INDEX "public"."domain_event_deliveries_due_idx"`);
    await queryRunner.query(`DROP INDEX "public"."domain_event_deliveries_order_idx"`);
    await queryRunner.query(`DROP TABLE "domain_event_deliveries"`);
    await queryRunner.query(`DROP TABLE "domain_events"`);
  }
}
