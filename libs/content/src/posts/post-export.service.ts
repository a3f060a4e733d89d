import { Injectable } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import { localPostUri } from './post.mapper';
import { type PostExportRow, PostExportRepository } from './post-export.repository';

/** One of the member's posts as their data export carries it. */
export interface ExportedPost {
  id: string;
  uri: string;
  createdAt: Date;
  editedAt: Date | null;
  visibility: string;
  /** A boost of another post (no text of its own), a reply, an article (titled) or a note. */
  kind: 'boost' | 'reply' | 'article' | 'note';
  title: string | null;
  contentWarning: string | null;
  language: string | null;
  /** What the member typed (Markdown); null for a boost. */
  text: string | null;
  /** The HTML the post shows. */
  html: string;
  inReplyTo: string | null;
  boostOf: string | null;
  likes: number;
  boosts: number;
  replies: number;
}

/** Rows per query: a long history is read and sent a page at a time, never all at once. */
export const POST_EXPORT_BATCH = 500;

/** The member's own posts for the export of their data (issue 12): only theirs, a page at a time. */
@Injectable()
export class PostExportService {
  constructor(
    private readonly posts: PostExportRepository,
    private readonly config: ConfigService,
  ) {}

  /** Every post of `accountId` not deleted, oldest first, in batches of at most `batch`. */
  async *batches(accountId: string, batch = POST_EXPORT_BATCH): AsyncGenerator<ExportedPost[]> {
    let after: string | null = null;
    for (;;) {
      const rows = await this.posts.page(accountId, after, batch);
      if (!rows.length) return;
      yield rows.map((row) => this.toExported(row));
      if (rows.length < batch) return;
      after = rows[rows.length - 1].id;
    }
  }

  private toExported(row: PostExportRow): ExportedPost {
    const origin = this.config.values.publicOrigin;
    const uriOf = (post: PostExportRow['inReplyTo']) =>
      post ? (post.local ? localPostUri(origin, post.id) : (post.uri ?? null)) : null;
    const kind = row.boostOf ? 'boost' : row.inReplyTo ? 'reply' : row.title ? 'article' : 'note';
    return {
      id: row.id,
      uri: localPostUri(origin, row.id),
      createdAt: row.createdAt,
      editedAt: row.editedAt,
      visibility: row.visibility,
      kind,
      title: row.title,
      contentWarning: row.contentWarning,
      language: row.language,
      text: row.boostOf ? null : row.source,
      html: row.content,
      inReplyTo: uriOf(row.inReplyTo),
      boostOf: uriOf(row.boostOf),
      likes: row.likesCount,
      boosts: row.boostsCount,
      replies: row.repliesCount,
    };
  }
}
