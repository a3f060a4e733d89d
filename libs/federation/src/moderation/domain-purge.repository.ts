import { Injectable } from '@nestjs/common';
import { FollowService } from '@guildhall/social';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/** What a purge removed. */
export interface PurgeResult {
  accounts: number;
  posts: number;
}

/** The host (with port) of an ActivityPub id. */
const URI_HOST = `substring(a.uri from '^[a-zA-Z][a-zA-Z0-9+.-]*://([^/?#]*)')`;

/**
 * SQL: `host` (host[:port]) is covered by the blocked domain `$1`, as `blockCandidates` (and so
 * DomainBlockCache) decides: the same host and port, the same host name, or a subdomain.
 */
function covered(host: string): string {
  const name = `regexp_replace(lower(${host}), ':\\d+$', '')`;
  return `(lower(${host}) = $1 OR ${name} = $1
    OR (position('.' in $1) > 0 AND position(':' in $1) = 0 AND right(${name}, length($1) + 1) = '.' || $1))`;
}

const ids = (rows: { id: string }[]) => rows.map((row) => row.id);

/**
 * Removes what was stored from a blocked domain, a batch of accounts at a time (DomainPurgeService).
 * Account rows go, and the foreign keys cascade to their posts (and, from those, likes, boosts,
 * bookmarks, mentions, tags, edits, media), their likes, follows either way, blocks, mutes and
 * notifications. The counters the deleted rows were part of are then recounted from the rows that
 * remain: likes, boosts and replies of local posts; followers and following of local accounts.
 */
@Injectable()
export class DomainPurgeRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly follows: FollowService,
  ) {}

  /** The accounts the block on `domain` covers, by their domain or their actor id's host, in id order. */
  async coveredAccountIds(domain: string): Promise<string[]> {
    return ids(
      await this.dataSource.query<{ id: string }[]>(
        `SELECT a.id FROM accounts a
         WHERE a.domain IS NOT NULL AND (${covered('a.domain')} OR ${covered(URI_HOST)})
         ORDER BY a.id`,
        [domain],
      ),
    );
  }

  /**
   * Removes `accountIds` (remote accounts) and recounts what they touched, in the caller's
   * transaction. Accounts already gone (another purge got there first) count for nothing.
   */
  async purgeAccounts(manager: EntityManager, accountIds: string[]): Promise<PurgeResult> {
    if (!accountIds.length) return { accounts: 0, posts: 0 };
    const postIds = await this.lockAffectedLocalPosts(manager, accountIds);
    const localAccountIds = await this.lockAffectedLocalAccounts(manager, accountIds);
    const posts = await this.detach(manager, accountIds);
    const deleted = await manager.queryRunner!.query(
      'DELETE FROM accounts WHERE id = ANY($1) AND domain IS NOT NULL',
      [accountIds],
      true,
    );
    await this.recountPosts(manager, postIds);
    await this.follows.recountFollowCounters(manager, localAccountIds);
    return { accounts: deleted.affected ?? 0, posts };
  }

  /**
   * Local posts the accounts liked, boosted or replied to, locked (in id order) before the
   * delete: a like or boost made meanwhile waits for the purge (EngagementRepository locks the
   * post first), so the recount after the delete sees every committed row.
   */
  private async lockAffectedLocalPosts(manager: EntityManager, accountIds: string[]): Promise<string[]> {
    return ids(
      await manager.query<{ id: string }[]>(
        `SELECT p.id FROM posts p
         WHERE p.local AND p.id IN (
           SELECT post_id FROM likes WHERE account_id = ANY($1)
           UNION SELECT boost_of_id FROM posts WHERE account_id = ANY($1) AND boost_of_id IS NOT NULL
           UNION SELECT in_reply_to_id FROM posts WHERE account_id = ANY($1) AND in_reply_to_id IS NOT NULL)
         ORDER BY p.id
         FOR NO KEY UPDATE OF p`,
        [accountIds],
      ),
    );
  }

  /** Local accounts that follow or are followed by (or requested) the accounts, locked in id order. */
  private async lockAffectedLocalAccounts(manager: EntityManager, accountIds: string[]): Promise<string[]> {
    return ids(
      await manager.query<{ id: string }[]>(
        `SELECT a.id FROM accounts a
         WHERE a.domain IS NULL AND a.id IN (
           SELECT followee_id FROM follows WHERE follower_id = ANY($1)
           UNION SELECT follower_id FROM follows WHERE followee_id = ANY($1))
         ORDER BY a.id
         FOR NO KEY UPDATE OF a`,
        [accountIds],
      ),
    );
  }

  /**
   * What points at the accounts or their posts without a cascading foreign key: notifications
   * about their posts, reports about them (moot once the domain is blocked), the reporter of
   * reports they sent, reply and move targets. Returns how many posts the accounts have.
   */
  private async detach(manager: EntityManager, accountIds: string[]): Promise<number> {
    const [{ count }] = await manager.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM posts WHERE account_id = ANY($1)',
      [accountIds],
    );
    await manager.query(
      'DELETE FROM notifications WHERE post_id IN (SELECT id FROM posts WHERE account_id = ANY($1))',
      [accountIds],
    );
    await manager.query('DELETE FROM reports WHERE target_account_id = ANY($1)', [accountIds]);
    await manager.query('UPDATE reports SET reporter_id = NULL WHERE reporter_id = ANY($1)', [accountIds]);
    await manager.query('UPDATE posts SET in_reply_to_account_id = NULL WHERE in_reply_to_account_id = ANY($1)', [
      accountIds,
    ]);
    await manager.query('UPDATE accounts SET moved_to_account_id = NULL WHERE moved_to_account_id = ANY($1)', [
      accountIds,
    ]);
    return count;
  }

  /** Likes, live boosts and live public or unlisted replies: what PostService and EngagementService count. */
  private async recountPosts(manager: EntityManager, postIds: string[]): Promise<void> {
    if (!postIds.length) return;
    await manager.query(
      `UPDATE posts p SET
         likes_count = (SELECT count(*) FROM likes l WHERE l.post_id = p.id),
         boosts_count = (SELECT count(*) FROM posts b WHERE b.boost_of_id = p.id AND b.deleted_at IS NULL),
         replies_count = (SELECT count(*) FROM posts r
                          WHERE r.in_reply_to_id = p.id AND r.deleted_at IS NULL
                            AND r.visibility IN ('public', 'unlisted'))
       WHERE p.id = ANY($1)`,
      [postIds],
    );
  }
}
