import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type IdPage, fetchIdPage } from '../paging/id-page';
import { MuteEntity } from './mute.entity';
import { muteInForce } from './mute-in-force';

@Injectable()
export class MuteRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Mutes, or changes an existing mute's expiry and notifications flag (muting again is how
   * Mastodon changes them). An expired mute muted again is a new one: new id (it lists first)
   * and creation time. True when anything changed.
   */
  async upsert(
    mute: Pick<MuteEntity, 'id' | 'accountId' | 'targetId' | 'expiresAt' | 'hideNotifications'>,
  ): Promise<boolean> {
    const changed = await this.dataSource.query<unknown[]>(
      `INSERT INTO mutes AS m (id, account_id, target_id, expires_at, hide_notifications) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (account_id, target_id) DO UPDATE
         SET id = CASE WHEN ${muteInForce('m')} THEN m.id ELSE EXCLUDED.id END,
             created_at = CASE WHEN ${muteInForce('m')} THEN m.created_at ELSE now() END,
             expires_at = EXCLUDED.expires_at,
             hide_notifications = EXCLUDED.hide_notifications
         WHERE NOT ${muteInForce('m')} OR m.expires_at IS DISTINCT FROM EXCLUDED.expires_at
            OR m.hide_notifications IS DISTINCT FROM EXCLUDED.hide_notifications
       RETURNING m.id`,
      [mute.id, mute.accountId, mute.targetId, mute.expiresAt, mute.hideNotifications],
    );
    return changed.length > 0;
  }

  /** True when a mute in force was removed (an expired one goes too, and counts as none). */
  async delete(accountId: string, targetId: string): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(MuteEntity)
      .where('account_id = :accountId AND target_id = :targetId', { accountId, targetId })
      .returning(['expiresAt'])
      .execute();
    const removed = result.raw as { expires_at: Date | null }[];
    return removed.some((row) => row.expires_at === null || row.expires_at > new Date());
  }

  /** The accounts `accountId` mutes (in force), newest mute first, each with its target (never a suspended one). */
  page(accountId: string, page: IdPage): Promise<MuteEntity[]> {
    const query = this.dataSource
      .getRepository(MuteEntity)
      .createQueryBuilder('m')
      .innerJoinAndSelect('m.target', 'a')
      .where('m.accountId = :accountId', { accountId })
      .andWhere('a.suspendedAt IS NULL')
      .andWhere(muteInForce('m'));
    return fetchIdPage(query, 'm.id', page);
  }
}
