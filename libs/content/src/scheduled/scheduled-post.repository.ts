import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ScheduledPostEntity } from './scheduled-post.entity';

export interface ScheduledWindow {
  maxId: string | null;
  sinceId: string | null;
  minId: string | null;
  limit: number;
}

/** Scheduled posts; writes that must agree with the limits take the caller's transaction. */
@Injectable()
export class ScheduledPostRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Serialises one account's scheduling until commit, so the limits hold under concurrent requests. */
  async lockAccount(manager: EntityManager, accountId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('scheduled_posts:' || $1))`, [accountId]);
  }

  /** How many the account has waiting, and how many of them fall on `day`'s UTC date. */
  async counts(manager: EntityManager, accountId: string, day: Date): Promise<{ total: number; onDay: number }> {
    const rows = await manager.query<{ total: number; on_day: number }[]>(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE (scheduled_at AT TIME ZONE 'UTC')::date = ($2::timestamptz AT TIME ZONE 'UTC')::date)::int AS on_day
       FROM scheduled_posts WHERE account_id = $1`,
      [accountId, day.toISOString()],
    );
    return { total: rows[0].total, onDay: rows[0].on_day };
  }

  async insert(
    manager: EntityManager,
    row: Omit<ScheduledPostEntity, 'account' | 'createdAt'>,
  ): Promise<ScheduledPostEntity> {
    await manager.insert(ScheduledPostEntity, row);
    return manager.findOneByOrFail(ScheduledPostEntity, { id: row.id });
  }

  findOwn(accountId: string, id: string): Promise<ScheduledPostEntity | null> {
    return this.dataSource.getRepository(ScheduledPostEntity).findOneBy({ id, accountId });
  }

  findById(id: string): Promise<ScheduledPostEntity | null> {
    return this.dataSource.getRepository(ScheduledPostEntity).findOneBy({ id });
  }

  async updateTime(manager: EntityManager, id: string, scheduledAt: Date): Promise<void> {
    await manager.update(ScheduledPostEntity, { id }, { scheduledAt });
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(ScheduledPostEntity).delete({ id });
    return (result.affected ?? 0) > 0;
  }

  /** The account's scheduled posts, newest first by id (Mastodon's order and paging). */
  async findByAccount(accountId: string, window: ScheduledWindow): Promise<ScheduledPostEntity[]> {
    const query = this.dataSource
      .getRepository(ScheduledPostEntity)
      .createQueryBuilder('s')
      .where('s.account_id = :accountId', { accountId });
    if (window.maxId) query.andWhere('s.id < :maxId', { maxId: window.maxId });
    const lower = window.minId ?? window.sinceId;
    if (lower) query.andWhere('s.id > :lower', { lower });
    const ascending = window.minId !== null;
    const rows = await query
      .orderBy('s.id', ascending ? 'ASC' : 'DESC')
      .limit(window.limit)
      .getMany();
    return ascending ? rows.reverse() : rows;
  }
}
