import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { PostEntity, type Visibility } from '../posts/post.entity';
import { visibleTo } from '../posts/post-visibility';
import { BookmarkEntity } from './bookmark.entity';

export type Counter = 'likes_count' | 'boosts_count';

/** A bookmarked post with the bookmark's id, which orders and pages the bookmarks. */
export interface BookmarkedPost {
  id: string;
  post: PostEntity;
}

/**
 * Likes, boosts (rows in `posts`) and bookmarks. Writes take the caller's transaction and report
 * whether a row really changed, so counters move only then — never read-modify-write.
 */
@Injectable()
export class EngagementRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Locks the post's row until commit; false when it is gone (deleted since it was read). A
   * concurrent delete (which locks the row FOR UPDATE) then cannot miss a boost made meanwhile.
   */
  async lockLivePost(manager: EntityManager, postId: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      'SELECT id FROM posts WHERE id = $1 AND deleted_at IS NULL FOR NO KEY UPDATE',
      [postId],
    );
    return rows.length === 1;
  }

  async adjustCount(manager: EntityManager, postId: string, counter: Counter, delta: 1 | -1): Promise<void> {
    await manager.query(`UPDATE posts SET ${counter} = GREATEST(${counter} + $2, 0) WHERE id = $1`, [postId, delta]);
  }

  /**
   * The new like's id, or null when the account already liked the post (or, for a remote Like,
   * its ActivityPub id `uri` is stored already: a redelivery).
   */
  async insertLike(
    manager: EntityManager,
    like: { id: string; accountId: string; postId: string; uri: string | null },
  ): Promise<string | null> {
    const rows = await manager.query<{ id: string }[]>(
      `INSERT INTO likes (id, account_id, post_id, uri) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id`,
      [like.id, like.accountId, like.postId, like.uri],
    );
    return rows[0]?.id ?? null;
  }

  /** The removed like's id, or null when there was none. */
  async deleteLike(manager: EntityManager, accountId: string, postId: string): Promise<string | null> {
    const [rows] = await manager.query<[{ id: string }[], number]>(
      'DELETE FROM likes WHERE account_id = $1 AND post_id = $2 RETURNING id',
      [accountId, postId],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * A boost row (`local` for a local account's; `uri` a remote Announce's id). The new boost's id,
   * or null when the account already has a live boost of the post or the uri is stored already.
   */
  async insertBoost(
    manager: EntityManager,
    boost: {
      id: string;
      accountId: string;
      local: boolean;
      boostOfId: string;
      visibility: Visibility;
      uri: string | null;
    },
  ): Promise<string | null> {
    const rows = await manager.query<{ id: string }[]>(
      `INSERT INTO posts (id, account_id, local, visibility, boost_of_id, content, uri)
       VALUES ($1, $2, $3, $4, $5, '', $6) ON CONFLICT DO NOTHING RETURNING id`,
      [boost.id, boost.accountId, boost.local, boost.visibility, boost.boostOfId, boost.uri],
    );
    return rows[0]?.id ?? null;
  }

  /** Tombstones the account's live boost of the post; its id, or null when there was none. */
  async tombstoneBoost(manager: EntityManager, accountId: string, boostOfId: string): Promise<string | null> {
    const [rows] = await manager.query<[{ id: string }[], number]>(
      `UPDATE posts SET deleted_at = now(), updated_at = now()
       WHERE account_id = $1 AND boost_of_id = $2 AND deleted_at IS NULL RETURNING id`,
      [accountId, boostOfId],
    );
    return rows[0]?.id ?? null;
  }

  /** The like by its ActivityPub id, if `accountId` made it. */
  async findLikeByUri(uri: string, accountId: string): Promise<{ id: string; postId: string } | null> {
    const rows = await this.dataSource.query<{ id: string; post_id: string }[]>(
      'SELECT id, post_id FROM likes WHERE uri = $1 AND account_id = $2',
      [uri, accountId],
    );
    return rows[0] ? { id: rows[0].id, postId: rows[0].post_id } : null;
  }

  /** The live boost with this ActivityPub id, if `accountId` made it. */
  async findBoostByUri(uri: string, accountId: string): Promise<{ id: string; boostOfId: string } | null> {
    const rows = await this.dataSource.query<{ id: string; boost_of_id: string }[]>(
      `SELECT id, boost_of_id FROM posts
       WHERE uri = $1 AND account_id = $2 AND boost_of_id IS NOT NULL AND deleted_at IS NULL`,
      [uri, accountId],
    );
    return rows[0] ? { id: rows[0].id, boostOfId: rows[0].boost_of_id } : null;
  }

  async insertBookmark(manager: EntityManager, id: string, accountId: string, postId: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO bookmarks (id, account_id, post_id) VALUES ($1, $2, $3)
       ON CONFLICT (account_id, post_id) DO NOTHING RETURNING id`,
      [id, accountId, postId],
    );
    return rows.length === 1;
  }

  async deleteBookmark(manager: EntityManager, accountId: string, postId: string): Promise<boolean> {
    const [, count] = await manager.query<[unknown[], number]>(
      'DELETE FROM bookmarks WHERE account_id = $1 AND post_id = $2',
      [accountId, postId],
    );
    return count > 0;
  }

  /** Which of `postIds` the account likes. */
  likedAmong(accountId: string, postIds: string[]): Promise<Set<string>> {
    return this.idsAmong(
      'SELECT post_id AS id FROM likes WHERE account_id = $1 AND post_id = ANY($2)',
      accountId,
      postIds,
    );
  }

  /** Which of `postIds` the account has a live boost of. */
  boostedAmong(accountId: string, postIds: string[]): Promise<Set<string>> {
    return this.idsAmong(
      `SELECT boost_of_id AS id FROM posts
       WHERE account_id = $1 AND boost_of_id = ANY($2) AND deleted_at IS NULL`,
      accountId,
      postIds,
    );
  }

  /** Which of `postIds` the account bookmarked. */
  bookmarkedAmong(accountId: string, postIds: string[]): Promise<Set<string>> {
    return this.idsAmong(
      'SELECT post_id AS id FROM bookmarks WHERE account_id = $1 AND post_id = ANY($2)',
      accountId,
      postIds,
    );
  }

  private async idsAmong(sql: string, accountId: string, postIds: string[]): Promise<Set<string>> {
    if (!postIds.length) return new Set();
    const rows = await this.dataSource.query<{ id: string }[]>(sql, [accountId, postIds]);
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
