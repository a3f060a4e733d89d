import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddCoopWebhookDeliveries1796566726824 implements MigrationInterface {
  name = 'AddCoopWebhookDeliveries1796566726824';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "coop_webhook_deliveries" ("id" uuid NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "source" text NOT NULL, "status" text NOT NULL, "http_status" integer NOT NULL, "reason" text, "payment_id" text, CONSTRAINT "coop_webhook_deliveries_status_ck" CHECK ("status" IN ('accepted', 'refused')), CONSTRAINT "PK_f501033d5d505937986d46cbcc5" PRIMARY KEY ("id"))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "coop_webhook_deliveries"`);
  }
}
