import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The one account-level fact the social graph records about remote actors: that one moved. */
@Injectable()
export class RemoteAccountRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records that `accountId` moved to `targetId`; false when it already had. */
  async markMoved(accountId: string, targetId: string): Promise<boolean> {
    const [, count] = await this.dataSource.query<[unknown[], number]>(
      `UPDATE accounts SET moved_to_account_id = $2, updated_at = now()
       WHERE id = $1 AND moved_to_account_id IS DISTINCT FROM $2`,
      [accountId, targetId],
    );
    return count > 0;
  }
}
