import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { preparedStatement } from '@guildhall/core';

/** Muted conversations, keyed by the thread's root post. */
@Injectable()
export class ConversationMuteRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(accountId: string, rootPostId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO conversation_mutes (account_id, root_post_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [accountId, rootPostId],
    );
  }

  async delete(accountId: string, rootPostId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM conversation_mutes WHERE account_id = $1 AND root_post_id = $2', [
      accountId,
      rootPostId,
    ]);
  }

  /** Which of `accountIds` muted the conversation `postId` is in (one walk up its reply chain). */
  async accountsMuting(postId: string, accountIds: string[]): Promise<Set<string>> {
    if (!accountIds.length) return new Set();
    const rows = await this.dataSource.query<{ account_id: string }[]>(
      preparedStatement(
        `WITH RECURSIVE up AS (
         SELECT p.id, p.in_reply_to_id, 0 AS depth FROM posts p WHERE p.id = $1
         UNION ALL
         SELECT p.id, p.in_reply_to_id, up.depth + 1 FROM posts p JOIN up ON p.id = up.in_reply_to_id
         WHERE up.depth < 1000
       )
       SELECT DISTINCT m.account_id FROM up
       JOIN conversation_mutes m ON m.root_post_id = up.id AND m.account_id = ANY($2::uuid[])`,
        { constant: true },
      ),
      [postId, accountIds],
    );
    return new Set(rows.map((row) => row.account_id));
  }

  /**
   * Which of `postIds` are in a conversation the account muted: one walk up each reply chain
   * (posts_in_reply_to is followed by primary key), matched against the account's mutes.
   */
  async mutedAmong(accountId: string, postIds: string[]): Promise<Set<string>> {
    if (!postIds.length) return new Set();
    const rows = await this.dataSource.query<{ id: string }[]>(
      `WITH RECURSIVE up AS (
         SELECT p.id AS start, p.id, p.in_reply_to_id, 0 AS depth FROM posts p WHERE p.id = ANY($2)
         UNION ALL
         SELECT up.start, p.id, p.in_reply_to_id, up.depth + 1 FROM posts p JOIN up ON p.id = up.in_reply_to_id
         WHERE up.depth < 1000
       )
       SELECT DISTINCT up.start AS id FROM up
       JOIN conversation_mutes m ON m.root_post_id = up.id AND m.account_id = $1`,
      [accountId, postIds],
    );
    return new Set(rows.map((row) => row.id));
  }
}
