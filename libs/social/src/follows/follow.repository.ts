import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AccountStateRepository } from '@guildhall/identity';
import { DataSource, type EntityManager } from 'typeorm';
import { FollowEntity, FollowState } from './follow.entity';

/** A follow's Mastodon options; absent ones keep their value (or the default on a new follow). */
export interface FollowOptions {
  showReblogs?: boolean;
  notify?: boolean;
  /** Languages to show (lower-case ISO 639-1); null (or an empty list) shows every language. */
  languages?: string[] | null;
}

/** A change to one account's counters, applied with `count = count + delta`. */
export interface CounterDelta {
  accountId: string;
  followers?: number;
  following?: number;
}

interface FollowRow {
  id: string;
  follower_id: string;
  followee_id: string;
  state: FollowState;
  uri: string | null;
  show_reblogs: boolean;
  notify: boolean;
  languages: string[] | null;
  created_at: Date;
  updated_at: Date;
}

function toEntity(row: FollowRow): FollowEntity {
  return Object.assign(new FollowEntity(), {
    id: row.id,
    followerId: row.follower_id,
    followeeId: row.followee_id,
    state: row.state,
    uri: row.uri,
    showReblogs: row.show_reblogs,
    notify: row.notify,
    languages: row.languages,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

/** The stored form of a follow's languages: null for every language (an empty list included). */
function languagesColumn(languages: string[] | null | undefined): string[] | null {
  return languages?.length ? [...new Set(languages)] : null;
}

/** Runs SQL on the transaction's connection and returns the rows (also of UPDATE/DELETE … RETURNING). */
async function rows(manager: EntityManager, sql: string, params: unknown[]): Promise<FollowRow[]> {
  const result = await manager.queryRunner!.query(sql, params, true);
  return (result.records ?? []) as FollowRow[];
}

@Injectable()
export class FollowRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accountState: AccountStateRepository,
  ) {}

  /**
   * A transaction holding a lock on the unordered pair {a, b}: follows, requests and blocks
   * between two accounts are decided one at a time (a follow cannot slip past a concurrent block).
   */
  inPairTransaction<T>(a: string, b: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const key = a < b ? `${a}:${b}` : `${b}:${a}`;
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`social-pair:${key}`]);
      return work(manager);
    });
  }

  async find(manager: EntityManager, followerId: string, followeeId: string): Promise<FollowEntity | null> {
    const [row] = await rows(manager, 'SELECT * FROM follows WHERE follower_id = $1 AND followee_id = $2', [
      followerId,
      followeeId,
    ]);
    return row ? toEntity(row) : null;
  }

  /**
   * Inserts the follow unless the pair already has one; null when nothing was inserted. `uri` is a
   * remote Follow's ActivityPub id (null for a local account's follow).
   */
  async insert(
    manager: EntityManager,
    follow: Pick<FollowEntity, 'id' | 'followerId' | 'followeeId' | 'state' | 'uri'> & FollowOptions,
  ): Promise<FollowEntity | null> {
    const [row] = await rows(
      manager,
      `INSERT INTO follows (id, follower_id, followee_id, state, uri, show_reblogs, notify, languages)
       VALUES ($1, $2, $3, $4, $5, COALESCE($6, true), COALESCE($7, false), $8::text[])
       ON CONFLICT (follower_id, followee_id) DO NOTHING RETURNING *`,
      [
        follow.id,
        follow.followerId,
        follow.followeeId,
        follow.state,
        follow.uri,
        follow.showReblogs ?? null,
        follow.notify ?? null,
        languagesColumn(follow.languages),
      ],
    );
    return row ? toEntity(row) : null;
  }

  /** Changes the options given (the others stay); the follow as it is now, null when it is gone. */
  async setOptions(manager: EntityManager, id: string, options: FollowOptions): Promise<FollowEntity | null> {
    const [row] = await rows(
      manager,
      `UPDATE follows SET show_reblogs = COALESCE($2, show_reblogs), notify = COALESCE($3, notify),
         languages = CASE WHEN $4 THEN $5::text[] ELSE languages END, updated_at = now()
       WHERE id = $1 RETURNING *`,
      [
        id,
        options.showReblogs ?? null,
        options.notify ?? null,
        options.languages !== undefined,
        languagesColumn(options.languages),
      ],
    );
    return row ? toEntity(row) : null;
  }

  /** A follow by our id or by its ActivityPub id (a remote Follow activity's id). */
  async findByIdOrUri(ref: { id: string } | { uri: string }): Promise<FollowEntity | null> {
    const [row] = await this.dataSource.query<FollowRow[]>(
      `SELECT * FROM follows WHERE ${'id' in ref ? 'id = $1' : 'uri = $1'}`,
      ['id' in ref ? ref.id : ref.uri],
    );
    return row ? toEntity(row) : null;
  }

  /** Points the follow at the latest Follow activity that asked for it (an Undo names that one). */
  async setUri(manager: EntityManager, id: string, uri: string): Promise<void> {
    // Another pair holding this uri would be a forged reuse: the id stays with the first.
    await manager.query(
      'UPDATE follows SET uri = $2 WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM follows WHERE uri = $2)',
      [id, uri],
    );
  }

  /** Local accounts with an accepted follow of `followeeId`. */
  async localFollowerIds(followeeId: string): Promise<string[]> {
    const found = await this.dataSource.query<{ id: string }[]>(
      `SELECT f.follower_id AS id FROM follows f JOIN accounts a ON a.id = f.follower_id
       WHERE f.followee_id = $1 AND f.state = 'accepted' AND a.domain IS NULL ORDER BY f.id`,
      [followeeId],
    );
    return found.map((row) => row.id);
  }

  /** Whether any local account follows `followeeId` (accepted). */
  async hasLocalFollower(followeeId: string): Promise<boolean> {
    const found = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM follows f JOIN accounts a ON a.id = f.follower_id
       WHERE f.followee_id = $1 AND f.state = 'accepted' AND a.domain IS NULL LIMIT 1`,
      [followeeId],
    );
    return found.length > 0;
  }

  /** Moves the pair's follow from one of `from` to `to`; null when it was in no such state. */
  async transition(
    manager: EntityManager,
    followerId: string,
    followeeId: string,
    from: FollowState[],
    to: FollowState,
  ): Promise<FollowEntity | null> {
    const [row] = await rows(
      manager,
      `UPDATE follows SET state = $4, updated_at = now()
       WHERE follower_id = $1 AND followee_id = $2 AND state = ANY($3::follow_state[]) RETURNING *`,
      [followerId, followeeId, from, to],
    );
    return row ? toEntity(row) : null;
  }

  /** Deletes the pair's follow if it is in one of `states`. */
  async delete(
    manager: EntityManager,
    followerId: string,
    followeeId: string,
    states: FollowState[],
  ): Promise<FollowEntity | null> {
    const [row] = await rows(
      manager,
      `DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2 AND state = ANY($3::follow_state[])
       RETURNING *`,
      [followerId, followeeId, states],
    );
    return row ? toEntity(row) : null;
  }

  /** Deletes every follow and request between a and b, in both directions. */
  /**
   * Ends every follow and request between `a` and `b`, either way (a block), and moves the
   * counters of the accepted ones; resolves to the follows removed.
   */
  async severBetween(manager: EntityManager, a: string, b: string): Promise<FollowEntity[]> {
    const deleted = (
      await rows(
        manager,
        `DELETE FROM follows WHERE (follower_id = $1 AND followee_id = $2) OR (follower_id = $2 AND followee_id = $1)
         RETURNING *`,
        [a, b],
      )
    ).map(toEntity);
    await this.adjustCounters(
      manager,
      deleted
        .filter((follow) => follow.state === FollowState.Accepted)
        .flatMap((follow) => [
          { accountId: follow.followerId, following: -1 },
          { accountId: follow.followeeId, followers: -1 },
        ]),
    );
    return deleted;
  }

  /**
   * Applies counter deltas in one UPDATE per account, in id order: every transaction locks
   * account rows in the same order, so concurrent follows cannot deadlock.
   */
  async adjustCounters(manager: EntityManager, deltas: CounterDelta[]): Promise<void> {
    const merged = new Map<string, { followers: number; following: number }>();
    for (const delta of deltas) {
      const entry = merged.get(delta.accountId) ?? { followers: 0, following: 0 };
      entry.followers += delta.followers ?? 0;
      entry.following += delta.following ?? 0;
      merged.set(delta.accountId, entry);
    }
    const ordered = [...merged.entries()]
      .filter(([, d]) => d.followers !== 0 || d.following !== 0)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [accountId, delta] of ordered) {
      await this.accountState.adjustFollowCounts(manager, accountId, delta.followers, delta.following);
    }
  }

  /** The follow of the pair, outside any transaction. */
  async findPair(followerId: string, followeeId: string): Promise<FollowEntity | null> {
    const [row] = await this.dataSource.query<FollowRow[]>(
      'SELECT * FROM follows WHERE follower_id = $1 AND followee_id = $2',
      [followerId, followeeId],
    );
    return row ? toEntity(row) : null;
  }

  /** Local accounts that follow, are followed by, or asked to follow any of `accountIds`, in id order. */
  async localCounterparts(manager: EntityManager, accountIds: readonly string[]): Promise<string[]> {
    const found = await manager.query<{ id: string }[]>(
      `SELECT a.id FROM accounts a
       WHERE a.domain IS NULL AND a.id IN (
         SELECT followee_id FROM follows WHERE follower_id = ANY($1)
         UNION SELECT follower_id FROM follows WHERE followee_id = ANY($1))
       ORDER BY a.id`,
      [accountIds],
    );
    return found.map((row) => row.id);
  }

  /** Deletes every follow and request from or to `accountId` (a deleted remote actor); the rows removed. */
  async deleteAllOf(manager: EntityManager, accountId: string): Promise<FollowEntity[]> {
    const removed = await rows(manager, 'DELETE FROM follows WHERE follower_id = $1 OR followee_id = $1 RETURNING *', [
      accountId,
    ]);
    return removed.map(toEntity);
  }

  /**
   * Recomputes the followers/following counters of `accountIds` from their accepted follows, for
   * bulk removals (a deleted remote actor, a purged domain) where moving counters one follow at a
   * time is not possible. The caller locks the account rows first, in id order.
   */
  async recountCounters(manager: EntityManager, accountIds: readonly string[]): Promise<void> {
    if (!accountIds.length) return;
    const counts = await manager.query<{ id: string; followers: number; following: number }[]>(
      `SELECT id,
         (SELECT count(*)::int FROM follows f WHERE f.followee_id = ids.id AND f.state = 'accepted') AS followers,
         (SELECT count(*)::int FROM follows f WHERE f.follower_id = ids.id AND f.state = 'accepted') AS following
       FROM unnest($1::uuid[]) AS ids(id)`,
      [accountIds],
    );
    await this.accountState.setFollowCounts(
      manager,
      counts.map((row) => ({ accountId: row.id, followers: row.followers, following: row.following })),
    );
  }

  isFollowing(followerId: string, followeeId: string): Promise<boolean> {
    return this.dataSource
      .getRepository(FollowEntity)
      .existsBy({ followerId, followeeId, state: FollowState.Accepted });
  }
}
