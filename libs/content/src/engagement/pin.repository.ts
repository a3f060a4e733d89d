import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { PostEntity } from '../posts/post.entity';
import { visibleTo } from '../posts/post-visibility';
import { PinnedPostEntity } from './pinned-post.entity';

/** Pinned posts: writes take the caller's transaction. */
@Injectable()
export class PinRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Serialises one account's pin changes until commit, so the limit holds under concurrent pins. */
  async lockAccountPins(manager: EntityManager, accountId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('pinned_posts:' || $1))`, [accountId]);
  }

  /** How many of the account's pins are of posts that still exist. */
  async countLive(manager: EntityManager, accountId: string): Promise<number> {
    const rows = await manager.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pinned_posts pp JOIN posts p ON p.id = pp.post_id
       WHERE pp.account_id = $1 AND p.deleted_at IS NULL`,
      [accountId],
    );
    return rows[0].n;
  }

  async insert(manager: EntityManager, id: string, accountId: string, postId: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO pinned_posts (id, account_id, post_id) VALUES ($1, $2, $3)
       ON CONFLICT (account_id, post_id) DO NOTHING RETURNING id`,
      [id, accountId, postId],
    );
    return rows.length === 1;
  }

  async delete(accountId: string, postId: string): Promise<boolean> {
    const [, count] = await this.dataSource.query<[unknown[], number]>(
      'DELETE FROM pinned_posts WHERE account_id = $1 AND post_id = $2',
      [accountId, postId],
    );
    return count > 0;
  }

  /** Which of `postIds` the account pinned. */
  async pinnedAmong(accountId: string, postIds: string[]): Promise<Set<string>> {
    if (!postIds.length) return new Set();
    const rows = await this.dataSource.query<{ post_id: string }[]>(
      'SELECT post_id FROM pinned_posts WHERE account_id = $1 AND post_id = ANY($2)',
      [accountId, postIds],
    );
    return new Set(rows.map((row) => row.post_id));
  }

  /** The account's pinned posts `viewerId` may see, latest pin first. */
  async findPinned(accountId: string, viewerId: string | null): Promise<PostEntity[]> {
    const visible = visibleTo('p', viewerId);
    const rows = await this.dataSource
      .getRepository(PinnedPostEntity)
      .createQueryBuilder('pp')
      .innerJoinAndSelect('pp.post', 'p')
      .where('pp.account_id = :accountId', { accountId })
      .andWhere(visible.sql, visible.params)
      .orderBy('pp.id', 'DESC')
      .getMany();
    return rows.map((row) => row.post);
  }
}
