import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Visibility } from './post.entity';

export interface PostExportRow {
  id: string;
  createdAt: Date;
  editedAt: Date | null;
  visibility: Visibility;
  title: string | null;
  contentWarning: string | null;
  language: string | null;
  source: string | null;
  content: string;
  likesCount: number;
  boostsCount: number;
  repliesCount: number;
  inReplyTo: { id: string; local: boolean; uri: string | null } | null;
  boostOf: { id: string; local: boolean; uri: string | null } | null;
}

type Row = {
  id: string;
  created_at: Date;
  edited_at: Date | null;
  visibility: Visibility;
  title: string | null;
  content_warning: string | null;
  language: string | null;
  source: string | null;
  content: string;
  likes_count: number;
  boosts_count: number;
  replies_count: number;
  reply_id: string | null;
  reply_local: boolean | null;
  reply_uri: string | null;
  boost_id: string | null;
  boost_local: boolean | null;
  boost_uri: string | null;
};

/** A member's own posts, in id (time) order, a page at a time: the export of their data. */
@Injectable()
export class PostExportRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The account's posts (not deleted) after `afterId` (by id; null: from the first), `limit` of them. */
  async page(accountId: string, afterId: string | null, limit: number): Promise<PostExportRow[]> {
    // posts_account_id_idx (account_id, id) serves the scan.
    const rows = await this.dataSource.query<Row[]>(
      `SELECT p.id, p.created_at, p.edited_at, p.visibility, p.title, p.content_warning, p.language, p.source,
              p.content, p.likes_count, p.boosts_count, p.replies_count,
              r.id AS reply_id, r.local AS reply_local, r.uri AS reply_uri,
              b.id AS boost_id, b.local AS boost_local, b.uri AS boost_uri
         FROM posts p
         LEFT JOIN posts r ON r.id = p.in_reply_to_id
         LEFT JOIN posts b ON b.id = p.boost_of_id
        WHERE p.account_id = $1 AND p.deleted_at IS NULL AND ($2::uuid IS NULL OR p.id > $2::uuid)
        ORDER BY p.id
        LIMIT $3`,
      [accountId, afterId, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      createdAt: row.created_at,
      editedAt: row.edited_at,
      visibility: row.visibility,
      title: row.title,
      contentWarning: row.content_warning,
      language: row.language,
      source: row.source,
      content: row.content,
      likesCount: row.likes_count,
      boostsCount: row.boosts_count,
      repliesCount: row.replies_count,
      inReplyTo: row.reply_id ? { id: row.reply_id, local: row.reply_local === true, uri: row.reply_uri } : null,
      boostOf: row.boost_id ? { id: row.boost_id, local: row.boost_local === true, uri: row.boost_uri } : null,
    }));
  }
}
