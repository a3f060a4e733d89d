import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { uuidv7 } from '@guildhall/core';
import { DataSource } from 'typeorm';
import { visibleTo } from '../posts/post-visibility';

/** A conversation as its participant sees it: the thread's root, its newest post, who is in it. */
export interface ConversationRow {
  rootId: string;
  lastPostId: string;
  unread: boolean;
  /** Authors and mentioned accounts of its posts, but the reader. */
  participantIds: string[];
}

/** Conversations paged by their newest post's id (Mastodon's paging of conversations). */
export interface ConversationPage {
  maxId: string | null;
  sinceId: string | null;
  minId: string | null;
  limit: number;
}

/**
 * Conversations: the direct posts the reader wrote or is mentioned in, grouped by the root of
 * their reply chain (walked up through posts of any visibility), with the reader's marks.
 */
@Injectable()
export class ConversationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One page, newest conversation first (`rootId`: only that one). */
  async find(viewerId: string, page: ConversationPage, rootId: string | null = null): Promise<ConversationRow[]> {
    const visible = visibleTo('p', viewerId).sql.replace(/:viewerId/g, '$1');
    const params: unknown[] = [viewerId];
    const where = ['(cm.hidden_until_id IS NULL OR g.last_id > cm.hidden_until_id)'];
    if (rootId) where.push(`g.root_id = $${params.push(rootId)}`);
    if (page.maxId) where.push(`g.last_id < $${params.push(page.maxId)}`);
    if (page.sinceId) where.push(`g.last_id > $${params.push(page.sinceId)}`);
    if (page.minId) where.push(`g.last_id > $${params.push(page.minId)}`);
    const limit = `$${params.push(page.limit)}`;
    const rows = await this.dataSource.query<
      { root_id: string; last_id: string; unread: boolean; participant_ids: string[] | null }[]
    >(
      `WITH RECURSIVE mine AS (
         SELECT p.id, p.in_reply_to_id, p.account_id FROM posts p
         WHERE p.account_id = $1 AND p.visibility = 'direct' AND ${visible}
         UNION
         SELECT p.id, p.in_reply_to_id, p.account_id FROM mentions m JOIN posts p ON p.id = m.post_id
         WHERE m.account_id = $1 AND p.visibility = 'direct' AND ${visible}
       ), chain AS (
         SELECT id AS post_id, id AS cur, in_reply_to_id AS parent, 0 AS depth FROM mine
         UNION ALL
         SELECT c.post_id, a.id, a.in_reply_to_id, c.depth + 1 FROM chain c JOIN posts a ON a.id = c.parent
         WHERE c.depth < 200
       ), roots AS (
         SELECT DISTINCT ON (post_id) post_id, cur AS root_id FROM chain ORDER BY post_id, depth DESC
       ), grouped AS (
         SELECT r.root_id, max(m.id::text)::uuid AS last_id,
                max(CASE WHEN m.account_id <> $1 THEN m.id::text END)::uuid AS last_other_id,
                array_agg(m.id) AS post_ids, array_agg(DISTINCT m.account_id) AS authors
         FROM roots r JOIN mine m ON m.id = r.post_id GROUP BY r.root_id
       )
       SELECT g.root_id, g.last_id,
              (g.last_other_id IS NOT NULL AND (cm.last_read_id IS NULL OR g.last_other_id > cm.last_read_id)) AS unread,
              (SELECT array_agg(DISTINCT x.id ORDER BY x.id) FROM (
                 SELECT unnest(g.authors) AS id
                 UNION SELECT pm.account_id FROM mentions pm WHERE pm.post_id = ANY(g.post_ids)) x
               WHERE x.id <> $1) AS participant_ids
       FROM grouped g
       LEFT JOIN conversation_marks cm ON cm.account_id = $1 AND cm.root_id = g.root_id
       WHERE ${where.join(' AND ')}
       ORDER BY g.last_id ${page.minId ? 'ASC' : 'DESC'} LIMIT ${limit}`,
      params,
    );
    if (page.minId) rows.reverse();
    return rows.map((row) => ({
      rootId: row.root_id,
      lastPostId: row.last_id,
      unread: row.unread,
      participantIds: row.participant_ids ?? [],
    }));
  }

  async markRead(viewerId: string, rootId: string, lastReadId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO conversation_marks (id, account_id, root_id, last_read_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id, root_id) DO UPDATE SET last_read_id = EXCLUDED.last_read_id`,
      [uuidv7(), viewerId, rootId, lastReadId],
    );
  }

  async hide(viewerId: string, rootId: string, untilId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO conversation_marks (id, account_id, root_id, hidden_until_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id, root_id) DO UPDATE SET hidden_until_id = EXCLUDED.hidden_until_id`,
      [uuidv7(), viewerId, rootId, untilId],
    );
  }
}
