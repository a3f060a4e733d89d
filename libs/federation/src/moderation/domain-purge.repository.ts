import { Injectable } from '@nestjs/common';
import { RemotePostService } from '@guildhall/content';
import { AccountStateRepository } from '@guildhall/identity';
import { FollowService, NotificationService } from '@guildhall/social';
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
    private readonly posts: RemotePostService,
    private readonly notifications: NotificationService,
    private readonly accountState: AccountStateRepository,
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

  /** What a block on `domain` would remove now: the accounts it covers and their posts. */
  async coveredCounts(domain: string): Promise<PurgeResult> {
    const [row] = await this.dataSource.query<{ accounts: number; posts: number }[]>(
      `SELECT count(*)::int AS accounts,
         coalesce(sum((SELECT count(*) FROM posts p WHERE p.account_id = a.id)), 0)::int AS posts
       FROM accounts a
       WHERE a.domain IS NOT NULL AND (${covered('a.domain')} OR ${covered(URI_HOST)})`,
      [domain],
    );
    return { accounts: row.accounts, posts: row.posts };
  }

  /**
   * Removes `accountIds` (remote accounts) and recounts what they touched, in the caller's
   * transaction. Accounts already gone (another purge got there first) count for nothing. Each
   * lib does its part through its own operations (ADR 0024): content locks the local posts the
   * accounts touched and recounts them, social locks and recounts the local accounts they followed
   * or were followed by and forgets notifications about their posts, identity deletes the rows.
   */
  async purgeAccounts(manager: EntityManager, accountIds: string[]): Promise<PurgeResult> {
    if (!accountIds.length) return { accounts: 0, posts: 0 };
    const { touchedPostIds, ownPostIds } = await this.posts.prepareAccountsPurge(manager, accountIds);
    const localAccountIds = await this.follows.lockLocalCounterparts(manager, accountIds);
    await this.notifications.forgetPosts(manager, ownPostIds);
    // Reports about them are moot once the domain is blocked; those they sent lose their reporter.
    await manager.query('DELETE FROM reports WHERE target_account_id = ANY($1)', [accountIds]);
    await manager.query('UPDATE reports SET reporter_id = NULL WHERE reporter_id = ANY($1)', [accountIds]);
    const accounts = await this.accountState.deleteRemote(manager, accountIds);
    await this.posts.recountPosts(manager, touchedPostIds);
    await this.follows.recountFollowCounters(manager, localAccountIds);
    return { accounts, posts: ownPostIds.length };
  }
}
