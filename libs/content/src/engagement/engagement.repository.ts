import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { preparedStatement } from '@guildhall/core';
import { PostEntity, type Visibility } from '../posts/post.entity';
import { visibleTo } from '../posts/post-visibility';
import { BookmarkEntity } from './bookmark.entity';
import { LikeEntity } from './like.entity';

export type Counter = 'likes_count' | 'boosts_count';

/** A post's engagement counts as a transaction sees them. */
export interface PostCounts {
  likesCount: number;
  boostsCount: number;
}

/** A window of rows by id, as Mastodon pages: older than `maxId`, newer than `sinceId`, or just above `minId`. */
export interface IdWindow {
  maxId: string | null;
  sinceId: string | null;
  minId: string | null;
  limit: number;
}

/** A like or boost of a post: its row's id (which pages) and who made it. */
export interface Engager {
  id: string;
  accountId: string;
}

/** A bookmarked post with the bookmark's id, which orders and pages the bookmarks. */
export interface BookmarkedPost {
  id: string;
  post: PostEntity;
}

/**
 * A page of the viewer's bookmarks or likes by the row's id (Mastodon's paging): older than
 * `maxId`, newer than `sinceId`, or the page just newer than `minId`.
 */
export interface EngagedPage {
  maxId: string | null;
  sinceId: string | null;
  minId: string | null;
  limit: number;
}

/**
 * Likes and boosts (rows in `posts`), and pages of a member's likes or bookmarks. Writes take the
 * caller's transaction and report whether a row really changed, so counters move only then —
 * never read-modify-write. Bookmarks themselves are BookmarkRepository's.
 */
@Injectable()
export class EngagementRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Locks the post's row until commit and reads its counts; null when it is gone (deleted since it
   * was read). A concurrent delete (which locks the row FOR UPDATE) then cannot miss a boost made
   * meanwhile.
   */
  async lockLivePost(manager: EntityManager, postId: string): Promise<PostCounts | null> {
    const rows = await manager.query<PostCounts[]>(
      preparedStatement(
        `SELECT likes_count AS "likesCount", boosts_count AS "boostsCount" FROM posts
          WHERE id = $1 AND deleted_at IS NULL FOR NO KEY UPDATE`,
        { constant: true },
      ),
      [postId],
    );
    return rows[0] ?? null;
  }

  /** Moves a counter of a post locked by `lockLivePost`; its counts after the move. */
  async adjustCount(manager: EntityManager, postId: string, counter: Counter, delta: 1 | -1): Promise<PostCounts> {
    // One text per counter (a column name of the code's, never input): prepared.
    // TypeORM answers an UPDATE with [rows, affected].
    const [[counts]] = await manager.query<[PostCounts[], number]>(
      preparedStatement(
        `UPDATE posts SET ${counter} = GREATEST(${counter} + $2, 0) WHERE id = $1
         RETURNING likes_count AS "likesCount", boosts_count AS "boostsCount"`,
        { constant: true },
      ),
      [postId, delta],
    );
    return counts;
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

  /**
   * Locks the posts' rows until commit, in id order (so two batches never wait on each other in
   * a cycle): each one's author, whether it is local, and whether it is live (not deleted).
   */
  async lockPosts(
    manager: EntityManager,
    postIds: readonly string[],
  ): Promise<Map<string, { accountId: string; local: boolean; live: boolean }>> {
    const rows = await manager.query<{ id: string; account_id: string; local: boolean; live: boolean }[]>(
      `SELECT id, account_id, local, deleted_at IS NULL AS live FROM posts
        WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`,
      [[...new Set(postIds)]],
    );
    return new Map(rows.map((row) => [row.id, { accountId: row.account_id, local: row.local, live: row.live }]));
  }

  /** Moves each post's counters by the sums given, in one statement (never below zero). */
  async adjustCounts(manager: EntityManager, deltas: readonly { postId: string; likes: number; boosts: number }[]) {
    if (!deltas.length) return;
    await manager.query(
      `UPDATE posts p SET likes_count = GREATEST(p.likes_count + d.likes, 0), boosts_count = GREATEST(p.boosts_count + d.boosts, 0)
         FROM unnest($1::uuid[], $2::int[], $3::int[]) AS d(id, likes, boosts) WHERE p.id = d.id`,
      [deltas.map((d) => d.postId), deltas.map((d) => d.likes), deltas.map((d) => d.boosts)],
    );
  }

  /** `insertLike` for many: the uris of the likes inserted, each with its new id. */
  async insertLikes(
    manager: EntityManager,
    likes: readonly { id: string; accountId: string; postId: string; uri: string }[],
  ): Promise<Map<string, string>> {
    if (!likes.length) return new Map();
    const rows = await manager.query<{ id: string; uri: string }[]>(
      `INSERT INTO likes (id, account_id, post_id, uri)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[])
       ON CONFLICT DO NOTHING RETURNING id, uri`,
      [likes.map((l) => l.id), likes.map((l) => l.accountId), likes.map((l) => l.postId), likes.map((l) => l.uri)],
    );
    return new Map(rows.map((row) => [row.uri, row.id]));
  }

  /** Removes each account's like of the post when it has that ActivityPub id: the removed ids by uri. */
  async deleteLikesByUri(
    manager: EntityManager,
    likes: readonly { uri: string; accountId: string; postId: string }[],
  ): Promise<Map<string, string>> {
    if (!likes.length) return new Map();
    const rows = await manager.query<{ id: string; uri: string }[]>(
      `WITH gone AS (
         DELETE FROM likes l USING unnest($1::text[], $2::uuid[], $3::uuid[]) AS k(uri, account_id, post_id)
          WHERE l.uri = k.uri AND l.account_id = k.account_id AND l.post_id = k.post_id
         RETURNING l.id, l.uri)
       SELECT id, uri FROM gone`,
      [likes.map((l) => l.uri), likes.map((l) => l.accountId), likes.map((l) => l.postId)],
    );
    return new Map(rows.map((row) => [row.uri, row.id]));
  }

  /** `insertBoost` for many remote boosts: the uris of the boosts inserted, each with its new id. */
  async insertRemoteBoosts(
    manager: EntityManager,
    boosts: readonly { id: string; accountId: string; boostOfId: string; visibility: Visibility; uri: string }[],
  ): Promise<Map<string, string>> {
    if (!boosts.length) return new Map();
    const rows = await manager.query<{ id: string; uri: string }[]>(
      `INSERT INTO posts (id, account_id, local, visibility, boost_of_id, content, uri)
       SELECT b.id, b.account_id, false, b.visibility::post_visibility, b.boost_of_id, '', b.uri
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[]) AS b(id, account_id, visibility, boost_of_id, uri)
       ON CONFLICT DO NOTHING RETURNING id, uri`,
      [
        boosts.map((b) => b.id),
        boosts.map((b) => b.accountId),
        boosts.map((b) => b.visibility),
        boosts.map((b) => b.boostOfId),
        boosts.map((b) => b.uri),
      ],
    );
    return new Map(rows.map((row) => [row.uri, row.id]));
  }

  /** Tombstones each account's live boost of the post when it has that ActivityPub id: the ids by uri. */
  async tombstoneBoostsByUri(
    manager: EntityManager,
    boosts: readonly { uri: string; accountId: string; postId: string }[],
  ): Promise<Map<string, string>> {
    if (!boosts.length) return new Map();
    const rows = await manager.query<{ id: string; uri: string }[]>(
      `WITH gone AS (
         UPDATE posts p SET deleted_at = now(), updated_at = now()
           FROM unnest($1::text[], $2::uuid[], $3::uuid[]) AS k(uri, account_id, boost_of_id)
          WHERE p.uri = k.uri AND p.account_id = k.account_id AND p.boost_of_id = k.boost_of_id
            AND p.deleted_at IS NULL
         RETURNING p.id, p.uri)
       SELECT id, uri FROM gone`,
      [boosts.map((b) => b.uri), boosts.map((b) => b.accountId), boosts.map((b) => b.postId)],
    );
    return new Map(rows.map((row) => [row.uri, row.id]));
  }

  /** The account's live boost of the post, if any. */
  findLiveBoost(accountId: string, boostOfId: string): Promise<PostEntity | null> {
    return this.dataSource
      .getRepository(PostEntity)
      .createQueryBuilder('p')
      .where('p.account_id = :accountId AND p.boost_of_id = :boostOfId AND p.deleted_at IS NULL', {
        accountId,
        boostOfId,
      })
      .getOne();
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

  private async idsAmong(sql: string, accountId: string, postIds: string[]): Promise<Set<string>> {
    if (!postIds.length) return new Set();
    const rows = await this.dataSource.query<{ id: string }[]>(sql, [accountId, postIds]);
    return new Set(rows.map((row) => row.id));
  }

  /**
   * The account's bookmarks or likes of posts it may still see, newest first: `limit + 1` rows
   * (the extra one tells there is an older page), or, for a `minId` page, the `limit` rows just
   * newer than `minId` (read oldest first, then reversed).
   */
  async findEngaged(table: 'bookmarks' | 'likes', accountId: string, page: EngagedPage): Promise<BookmarkedPost[]> {
    const visible = visibleTo('p', accountId);
    const entity = table === 'bookmarks' ? BookmarkEntity : LikeEntity;
    const query = this.dataSource
      .getRepository<BookmarkEntity | LikeEntity>(entity)
      .createQueryBuilder('b')
      .innerJoinAndSelect('b.post', 'p')
      .where('b.account_id = :accountId', { accountId })
      .andWhere(visible.sql, visible.params);
    if (page.maxId) query.andWhere('b.id < :maxId', { maxId: page.maxId });
    if (page.sinceId) query.andWhere('b.id > :sinceId', { sinceId: page.sinceId });
    if (page.minId) query.andWhere('b.id > :minId', { minId: page.minId });
    const rows = await query
      .orderBy('b.id', page.minId ? 'ASC' : 'DESC')
      .limit(page.minId ? page.limit : page.limit + 1)
      .getMany();
    if (page.minId) rows.reverse();
    return rows.map((row) => ({ id: row.id, post: row.post }));
  }

  /**
   * Who liked (`likes`) or has a live boost of (`boosts`) the post, newest first, paged by the like's
   * or boost's id; suspended accounts are left out.
   */
  async findEngagers(kind: 'likes' | 'boosts', postId: string, window: IdWindow): Promise<Engager[]> {
    const from =
      kind === 'likes' ? 'likes e WHERE e.post_id = $1' : 'posts e WHERE e.boost_of_id = $1 AND e.deleted_at IS NULL';
    const params: unknown[] = [postId];
    const conditions: string[] = [];
    const bound = (op: string, id: string | null) => {
      if (!id) return;
      params.push(id);
      conditions.push(`e.id ${op} $${params.length}`);
    };
    bound('<', window.maxId);
    bound('>', window.minId ?? window.sinceId);
    // min_id pages upwards: the rows just above it, oldest first, then turned round.
    const ascending = window.minId !== null;
    params.push(window.limit);
    const rows = await this.dataSource.query<{ id: string; account_id: string }[]>(
      `SELECT e.id, e.account_id FROM ${from}
         AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = e.account_id AND a.suspended_at IS NOT NULL)
         ${conditions.map((c) => `AND ${c}`).join(' ')}
       ORDER BY e.id ${ascending ? 'ASC' : 'DESC'} LIMIT $${params.length}`,
      params,
    );
    const engagers = rows.map((row) => ({ id: row.id, accountId: row.account_id }));
    return ascending ? engagers.reverse() : engagers;
  }
}
