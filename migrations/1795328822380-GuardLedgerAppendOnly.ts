import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hand-written (ADR 0009-append-only-ledger): TypeORM's generator cannot express triggers. The
 * cooperative's ledger refuses UPDATE, DELETE and TRUNCATE of journal entries and postings, and
 * every INSERT into coop_postings must leave each entry it touches balanced (its lines sum to 0).
 */
export class GuardLedgerAppendOnly1795328822380 implements MigrationInterface {
  name = 'GuardLedgerAppendOnly1795328822380';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION coop_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the cooperative ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END $$`);
    await queryRunner.query(`CREATE FUNCTION coop_postings_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unbalanced record;
BEGIN
  SELECT entry_id, sum(amount) AS total INTO unbalanced
    FROM new_postings GROUP BY entry_id HAVING sum(amount) <> 0 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'journal entry % does not balance: its postings sum to %', unbalanced.entry_id, unbalanced.total
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$`);
    for (const table of ['coop_journal_entries', 'coop_postings']) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION coop_ledger_append_only()`,
      );
    }
    await queryRunner.query(
      `CREATE TRIGGER coop_postings_balanced AFTER INSERT ON "coop_postings" REFERENCING NEW TABLE AS new_postings FOR EACH STATEMENT EXECUTE FUNCTION coop_postings_balanced()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER coop_postings_balanced ON "coop_postings"`);
    await queryRunner.query(`DROP TRIGGER coop_postings_append_only ON "coop_postings"`);
    await queryRunner.query(`DROP TRIGGER coop_journal_entries_append_only ON "coop_journal_entries"`);
    await queryRunner.query(`DROP FUNCTION coop_postings_balanced()`);
    await queryRunner.query(`DROP FUNCTION coop_ledger_append_only()`);
  }
}
