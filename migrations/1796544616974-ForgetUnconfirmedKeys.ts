import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Remote public keys cached before key ownership was checked (ADR 0017) may belong to no one they
 * claim: they are dropped, and fetched again, through the check, when next used.
 */
export class ForgetUnconfirmedKeys1796544616974 implements MigrationInterface {
  name = 'ForgetUnconfirmedKeys1796544616974';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "federation_kv" WHERE "key" LIKE '["_fedify","publicKey",%'`);
  }

  public async down(): Promise<void> {
    // Nothing to restore: the cache fills again on use.
  }
}
