import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ADR 0045: a period's pseudonym key is drawn when it opens (a preview of its close derives the
 * close's pseudonyms). The period open when this lands gets its key now: 2 × 122 random bits of
 * gen_random_uuid(), 64 hex digits like newPseudonymKey's.
 */
export class DrawOpenPeriodKeys1796566670595 implements MigrationInterface {
  name = 'DrawOpenPeriodKeys1796566670595';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE coop_periods SET pseudonym_key = replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')
        WHERE status = 'open' AND pseudonym_key IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Open periods' keys are harmless to keep (a close before ADR 0045 draws its own): nothing to undo.
    await queryRunner.query(`SELECT 1`);
  }
}
