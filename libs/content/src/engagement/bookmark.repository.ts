import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { visibleTo } from '../posts/post-visibility';
import { BookmarkEntity } from './bookmark.entity';
import type { BookmarkedPost } from './engagement.repository';

/**
 * A member's bookmarks (`bookmarks`): private to their owner, with no counter and no event, so
 * each write is one statement of its own. Pages of bookmarks by Mastodon's paging are read with
 * likes' (EngagementRepository.findEngaged).
 */
@Injectable()
export class BookmarkRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Bookmarks the post; false when it already was. */
  async insert(id: string, accountId: string, postId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO bookmarks (id, account_id, post_id) VALUES ($1, $2, $3)
       ON CONFLICT (account_id, post_id) DO NOTHING RETURNING id`,
      [id, accountId, postId],
    );
    return rows.length === 1;
  }

  /** Removes the bookmark; false when there was none. */
  async delete(accountId: string, postId: string): Promise<boolean> {
    const [, count] = await this.dataSource.query<[unknown[], number]>(
      'DELETE FROM bookmarks WHERE account_id = $1 AND post_id = $2',
      [accountId, postId],
    );
    return count > 0;
  }

  /** Which of `postIds` the account bookmarked. */
  async bookmarkedAmong(accountId: string, postIds: string[]): Promise<Set<string>> {
    if (!postIds.length) return new Set();
    const rows = await this.dataSource.query<{ id: string }[]>(
      'SELECT post_id AS id FROM bookmarks WHERE account_id = $1 AND post_id = ANY($2)',
      [accountId, postIds],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** The account's bookmarks of posts it may still see, newest bookmark first; `limit + 1` rows for paging. */
  async findBookmarked(accountId: string, afterId: string | null, limit: number): Promise<BookmarkedPost[]> {
    const visible = visibleTo('p', accountId);
    const query = this.dataSource
      .getRepository(BookmarkEntity)
      .createQueryBuilder('b')
      .innerJoinAndSelect('b.post', 'p')
      .where('b.account_id = :accountId', { accountId })
      .andWhere(visible.sql, visible.params);
    if (afterId) query.andWhere('b.id < :afterId', { afterId });
    const rows = await query
      .orderBy('b.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    return rows.map((row) => ({ id: row.id, post: row.post }));
  }
}
