import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AccountEntity, type Role } from '@guildhall/identity';
import { DataSource } from 'typeorm';

/** `accounts.suspended_at` and what deciding a suspension needs to know. */
@Injectable()
export class AccountSuspensionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Marks the account suspended by someone of `byRole` and returns it. One already suspended keeps
   * its date; its recorded role only rises (an admin re-suspending takes the lifting to admins).
   */
  async suspend(accountId: string, byRole: Role): Promise<AccountEntity> {
    await this.dataSource.query(
      `UPDATE accounts SET suspended_at = coalesce(suspended_at, now()),
         suspended_by_role = CASE WHEN suspended_at IS NULL OR $2 = 'admin' THEN $2 ELSE suspended_by_role END
       WHERE id = $1`,
      [accountId, byRole],
    );
    return this.dataSource.getRepository(AccountEntity).findOneByOrFail({ id: accountId });
  }

  async unsuspend(accountId: string): Promise<AccountEntity> {
    await this.dataSource.query('UPDATE accounts SET suspended_at = NULL, suspended_by_role = NULL WHERE id = $1', [
      accountId,
    ]);
    return this.dataSource.getRepository(AccountEntity).findOneByOrFail({ id: accountId });
  }

  /** Whether the local account `username` is suspended (false when there is none). */
  async isLocalSuspended(username: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM accounts WHERE username = $1 AND domain IS NULL AND suspended_at IS NOT NULL',
      [username.toLowerCase()],
    );
    return rows.length > 0;
  }
}
