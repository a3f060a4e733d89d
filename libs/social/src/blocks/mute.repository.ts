import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type IdPage, fetchIdPage } from '../paging/id-page';
import { MuteEntity } from './mute.entity';

@Injectable()
export class MuteRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** True when the mute is new. */
  async insert(mute: Pick<MuteEntity, 'id' | 'accountId' | 'targetId'>): Promise<boolean> {
    const inserted = await this.dataSource.query<unknown[]>(
      `INSERT INTO mutes (id, account_id, target_id) VALUES ($1, $2, $3)
       ON CONFLICT (account_id, target_id) DO NOTHING RETURNING id`,
      [mute.id, mute.accountId, mute.targetId],
    );
    return inserted.length > 0;
  }

  /** True when a mute was removed. */
  async delete(accountId: string, targetId: string): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(MuteEntity)
      .where('account_id = :accountId AND target_id = :targetId', { accountId, targetId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** The accounts `accountId` mutes, newest mute first, each with its target (never a suspended one). */
  page(accountId: string, page: IdPage): Promise<MuteEntity[]> {
    const query = this.dataSource
      .getRepository(MuteEntity)
      .createQueryBuilder('m')
      .innerJoinAndSelect('m.target', 'a')
      .where('m.accountId = :accountId', { accountId })
      .andWhere('a.suspendedAt IS NULL');
    return fetchIdPage(query, 'm.id', page);
  }
}
