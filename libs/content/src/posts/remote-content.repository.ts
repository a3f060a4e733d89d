import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/** What removing a deleted remote actor's content touched. */
export interface PurgedContent {
  /** The account's own posts and boosts that were live and are now tombstones. */
  tombstonedPostIds: string[];
  likesRemoved: number;
}

/** Rows of an UPDATE/DELETE … RETURNING on the transaction's connection. */
async function returning<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const result = await manager.queryRunner!.query(sql, params, true);
  return (result.records ?? []) as T[];
}

/**
 * A remote actor's content here, for a `Delete` of the actor itself (RemotePostService.purgeAccount
 * runs it in the purge's transaction, with social's follows and identity's account row): its posts
 * (and their media), boosts and likes go, and every count they fed is recounted from the rows (not
 * decremented: the affected posts are few, and a recount cannot drift).
 */
@Injectable()
export class RemoteContentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async purgeContent(manager: EntityManager, accountId: string): Promise<PurgedContent> {
    const touched = await manager.query<{ id: string }[]>(
      `SELECT in_reply_to_id AS id FROM posts
         WHERE account_id = $1 AND in_reply_to_id IS NOT NULL AND deleted_at IS NULL
       UNION SELECT boost_of_id FROM posts WHERE account_id = $1 AND boost_of_id IS NOT NULL AND deleted_at IS NULL
       UNION SELECT post_id FROM likes WHERE account_id = $1`,
      [accountId],
    );
    const tombstoned = await returning<{ id: string }>(
      manager,
      `UPDATE posts SET deleted_at = now(), updated_at = now(), source = NULL, content = '',
         title = CASE WHEN title IS NULL THEN NULL ELSE '' END, summary = NULL, content_warning = NULL
       WHERE account_id = $1 AND deleted_at IS NULL RETURNING id`,
      [accountId],
    );
    const ownIds = tombstoned.map((row) => row.id);
    // Others' boosts of those posts go with them, as when a post is deleted.
    await manager.query('UPDATE posts SET deleted_at = now() WHERE boost_of_id = ANY($1) AND deleted_at IS NULL', [
      ownIds,
    ]);
    await manager.query('DELETE FROM post_hashtags WHERE post_id = ANY($1)', [ownIds]);
    // Its posts' media were links to files on its server: nothing of them is kept.
    await manager.query('DELETE FROM media_attachments WHERE account_id = $1 AND storage_key IS NULL', [accountId]);
    const likes = await returning<{ id: string }>(manager, 'DELETE FROM likes WHERE account_id = $1 RETURNING id', [
      accountId,
    ]);
    await this.recountPosts(
      manager,
      touched.map((row) => row.id),
    );
    return { tombstonedPostIds: ownIds, likesRemoved: likes.length };
  }

  /**
   * Local posts that `accountIds` liked, boosted or replied to, locked (in id order) before the
   * accounts are deleted: a like or boost made meanwhile waits for the purge (EngagementService
   * locks the post first), so the recount after the delete sees every committed row.
   */
  async lockLocalPostsTouchedBy(manager: EntityManager, accountIds: readonly string[]): Promise<string[]> {
    const rows = await manager.query<{ id: string }[]>(
      `SELECT p.id FROM posts p
       WHERE p.local AND p.id IN (
         SELECT post_id FROM likes WHERE account_id = ANY($1)
         UNION SELECT boost_of_id FROM posts WHERE account_id = ANY($1) AND boost_of_id IS NOT NULL
         UNION SELECT in_reply_to_id FROM posts WHERE account_id = ANY($1) AND in_reply_to_id IS NOT NULL)
       ORDER BY p.id
       FOR NO KEY UPDATE OF p`,
      [accountIds],
    );
    return rows.map((row) => row.id);
  }

  /** The ids of every post (and boost) of `accountIds`, deleted or not. */
  async postIdsOf(manager: EntityManager, accountIds: readonly string[]): Promise<string[]> {
    const rows = await manager.query<{ id: string }[]>('SELECT id FROM posts WHERE account_id = ANY($1)', [accountIds]);
    return rows.map((row) => row.id);
  }

  /** Replies to `accountIds` that outlive them (another author's) stop naming them. */
  async forgetRepliedAccounts(manager: EntityManager, accountIds: readonly string[]): Promise<void> {
    await manager.query('UPDATE posts SET in_reply_to_account_id = NULL WHERE in_reply_to_account_id = ANY($1)', [
      accountIds,
    ]);
  }

  /**
   * Likes, live boosts and live public or unlisted replies of `postIds`, recounted from the rows:
   * what EngagementService and PostService count one change at a time.
   */
  async recountPosts(manager: EntityManager, postIds: readonly string[]): Promise<void> {
    if (!postIds.length) return;
    await manager.query(
      `UPDATE posts p SET
         likes_count = (SELECT count(*) FROM likes l WHERE l.post_id = p.id),
         boosts_count = (SELECT count(*) FROM posts b WHERE b.boost_of_id = p.id AND b.deleted_at IS NULL),
         replies_count = (SELECT count(*) FROM posts r WHERE r.in_reply_to_id = p.id AND r.deleted_at IS NULL
                            AND r.visibility IN ('public', 'unlisted'))
       WHERE p.id = ANY($1)`,
      [postIds],
    );
  }
}
