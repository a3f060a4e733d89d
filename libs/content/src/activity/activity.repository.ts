import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** A post, article or boost as others may reason about what it caused (the co-op's contributions). */
export interface PostActivity {
  id: string;
  accountId: string;
  /** The author's server (null: a local account). */
  accountDomain: string | null;
  local: boolean;
  createdAt: Date;
  deletedAt: Date | null;
  inReplyToId: string | null;
  inReplyToAccountId: string | null;
  boostOfId: string | null;
  /** The boosted post's author and tombstone, for a boost. */
  boostOfAccountId: string | null;
  boostOfDeletedAt: Date | null;
}

/** A like that still exists (an undone like's row is deleted). */
export interface LikeActivity {
  id: string;
  accountId: string;
  accountDomain: string | null;
  postId: string;
  postAccountId: string;
  createdAt: Date;
}

const POST_COLUMNS = `p.id, p.account_id AS "accountId", a.domain AS "accountDomain", p.local,
  p.created_at AS "createdAt", p.deleted_at AS "deletedAt", p.in_reply_to_id AS "inReplyToId",
  p.in_reply_to_account_id AS "inReplyToAccountId", p.boost_of_id AS "boostOfId",
  o.account_id AS "boostOfAccountId", o.deleted_at AS "boostOfDeletedAt"`;
const POST_FROM = `posts p JOIN accounts a ON a.id = p.account_id LEFT JOIN posts o ON o.id = p.boost_of_id`;
const LIKE_COLUMNS = `l.id, l.account_id AS "accountId", a.domain AS "accountDomain", l.post_id AS "postId",
  p.account_id AS "postAccountId", l.created_at AS "createdAt"`;
const LIKE_FROM = `likes l JOIN accounts a ON a.id = l.account_id JOIN posts p ON p.id = l.post_id`;

/**
 * Read-only: posts (boosts included, tombstones too) and likes with who made them and whose post
 * they concern, by creation time or by id, for the co-op's reconciliation of contributions
 * (`guildhall coop verify`): content's tables are read here, never by the co-op's SQL.
 */
@Injectable()
export class ActivityRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Posts and boosts created at or after `since` (every one when null), oldest first. */
  postsCreatedSince(since: Date | null): Promise<PostActivity[]> {
    return this.dataSource.query(
      `SELECT ${POST_COLUMNS} FROM ${POST_FROM} WHERE $1::timestamptz IS NULL OR p.created_at >= $1 ORDER BY p.id`,
      [since],
    );
  }

  postsByIds(ids: string[]): Promise<PostActivity[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.dataSource.query(`SELECT ${POST_COLUMNS} FROM ${POST_FROM} WHERE p.id = ANY($1::uuid[])`, [ids]);
  }

  /** Likes made at or after `since` (every one when null) that were not undone, oldest first. */
  likesCreatedSince(since: Date | null): Promise<LikeActivity[]> {
    return this.dataSource.query(
      `SELECT ${LIKE_COLUMNS} FROM ${LIKE_FROM} WHERE $1::timestamptz IS NULL OR l.created_at >= $1 ORDER BY l.id`,
      [since],
    );
  }

  likesByIds(ids: string[]): Promise<LikeActivity[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.dataSource.query(`SELECT ${LIKE_COLUMNS} FROM ${LIKE_FROM} WHERE l.id = ANY($1::uuid[])`, [ids]);
  }
}
