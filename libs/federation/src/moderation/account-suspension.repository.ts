import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AccountEntity, type Role } from '@guildhall/identity';
import { DataSource } from 'typeorm';

/** `accounts.suspended_at` and what deciding a suspension needs to know. */
@Injectable()
export class AccountSuspensionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Marks the account suspended (one already suspended keeps its date) and returns it. */
  async suspend(accountId: string): Promise<AccountEntity> {
    await this.dataSource.query('UPDATE accounts SET suspended_at = coalesce(suspended_at, now()) WHERE id = $1', [
      accountId,
    ]);
    return this.dataSource.getRepository(AccountEntity).findOneByOrFail({ id: accountId });
  }

  async unsuspend(accountId: string): Promise<AccountEntity> {
    await this.dataSource.query('UPDATE accounts SET suspended_at = NULL WHERE id = $1', [accountId]);
    return this.dataSource.getRepository(AccountEntity).findOneByOrFail({ id: accountId });
  }

  /** The role of a local account's user; null for a remote account. */
  async roleOf(accountId: string): Promise<Role | null> {
    const rows = await this.dataSource.query<{ role: Role }[]>('SELECT role FROM users WHERE account_id = $1', [
      accountId,
    ]);
    return rows[0]?.role ?? null;
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
