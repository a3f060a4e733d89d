import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ADR 0072: what a closed period stored is frozen by the database, as its counted events are
 * (ADR 0070) and the ledger is (ADR 0010): its row (snapshot, published head, result, hashes,
 * watermarks, key) and its published parts refuse UPDATE and DELETE, its parts refuse INSERT, and
 * TRUNCATE of either table is refused once a period is closed. A close writes all of it while its
 * period is still open, in the transaction that then marks it closed. Hand-written (the generator
 * cannot express triggers).
 */
export class FreezeClosedPeriods1796700000000 implements MigrationInterface {
  name = 'FreezeClosedPeriods1796700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION coop_closed_period_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'STATEMENT' THEN
    IF EXISTS (SELECT 1 FROM coop_periods WHERE status = 'closed') THEN
      RAISE EXCEPTION '% of a closed period is frozen: TRUNCATE refused', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'coop_periods' THEN
    IF OLD.status = 'closed' THEN
      RAISE EXCEPTION 'closed period % is frozen: % refused', OLD.id, TG_OP USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF EXISTS (SELECT 1 FROM coop_periods
              WHERE status = 'closed'
                AND id IN (CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.period_id END,
                           CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.period_id END)) THEN
    RAISE EXCEPTION 'the published parts of a closed period are frozen: % refused', TG_OP
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$`);
    await queryRunner.query(
      `CREATE TRIGGER coop_periods_closed_frozen BEFORE UPDATE OR DELETE ON "coop_periods" FOR EACH ROW EXECUTE FUNCTION coop_closed_period_frozen()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER coop_periods_closed_not_truncated BEFORE TRUNCATE ON "coop_periods" FOR EACH STATEMENT EXECUTE FUNCTION coop_closed_period_frozen()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER coop_published_parts_frozen BEFORE INSERT OR UPDATE OR DELETE ON "coop_published_parts" FOR EACH ROW EXECUTE FUNCTION coop_closed_period_frozen()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER coop_published_parts_not_truncated BEFORE TRUNCATE ON "coop_published_parts" FOR EACH STATEMENT EXECUTE FUNCTION coop_closed_period_frozen()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER coop_published_parts_not_truncated ON "coop_published_parts"`);
    await queryRunner.query(`DROP TRIGGER coop_published_parts_frozen ON "coop_published_parts"`);
    await queryRunner.query(`DROP TRIGGER coop_periods_closed_not_truncated ON "coop_periods"`);
    await queryRunner.query(`DROP TRIGGER coop_periods_closed_frozen ON "coop_periods"`);
    await queryRunner.query(`DROP FUNCTION coop_closed_period_frozen()`);
  }
}
