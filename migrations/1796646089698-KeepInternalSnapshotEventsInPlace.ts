import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ADR 0070: a close keeps its internal snapshot's events where they were recorded. The period
 * row stores the snapshot without its events and `snapshot_events_after`: its events are the
 * coop_events rows with seq in (snapshot_events_after, events_through]. Hand-written in part
 * (the generator cannot express triggers): the rows a closed period counted are frozen, as the
 * ledger is (ADR 0010): UPDATE and DELETE of them, and TRUNCATE once any period has counted an
 * event, are refused.
 */
export class KeepInternalSnapshotEventsInPlace1796646089698 implements MigrationInterface {
  name = 'KeepInternalSnapshotEventsInPlace1796646089698';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "coop_periods" ADD "snapshot_events_after" bigint`);
    await queryRunner.query(`CREATE FUNCTION coop_events_counted_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'STATEMENT' THEN
    IF EXISTS (SELECT 1 FROM coop_periods WHERE status = 'closed' AND events_through > 0) THEN
      RAISE EXCEPTION 'coop_events counted by a closed period are frozen: TRUNCATE refused'
        USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NULL;
  END IF;
  IF OLD.seq <= (SELECT coalesce(max(events_through), 0) FROM coop_periods WHERE status = 'closed') THEN
    RAISE EXCEPTION 'coop_events counted by a closed period are frozen: % of % refused', TG_OP, OLD.id
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$`);
    await queryRunner.query(
      `CREATE TRIGGER coop_events_counted_frozen BEFORE UPDATE OR DELETE ON "coop_events" FOR EACH ROW EXECUTE FUNCTION coop_events_counted_frozen()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER coop_events_counted_not_truncated BEFORE TRUNCATE ON "coop_events" FOR EACH STATEMENT EXECUTE FUNCTION coop_events_counted_frozen()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER coop_events_counted_not_truncated ON "coop_events"`);
    await queryRunner.query(`DROP TRIGGER coop_events_counted_frozen ON "coop_events"`);
    await queryRunner.query(`DROP FUNCTION coop_events_counted_frozen()`);
    await queryRunner.query(`ALTER TABLE "coop_periods" DROP COLUMN "snapshot_events_after"`);
  }
}
