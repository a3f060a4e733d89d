import type { RowMapper } from '@guildhall/core';
import type { ObjectLiteral } from 'typeorm';
import type { StatusExtras } from './timeline.types';

/** One entity's columns (`mapper.select(alias, prefix)`), found again by `prefix`. */
interface EntityPart {
  mapper: RowMapper<ObjectLiteral>;
  alias: string;
  prefix: string;
}

/** One column: its SQL expression and its name. */
interface ColumnPart {
  name: string;
  sql: string;
}

/**
 * A timeline statement's select list and where each part of it sits in an array row
 * (`withArrayRows`, ADR 0068): an entity's columns start at the offset of its prefix, a single
 * column is at the offset of its name.
 */
export class TimelineRowLayout {
  readonly sql: string;
  private readonly offsets = new Map<string, number>();

  constructor(parts: (EntityPart | ColumnPart)[]) {
    const sql: string[] = [];
    let offset = 0;
    for (const part of parts) {
      if ('mapper' in part) {
        this.offsets.set(part.prefix, offset);
        sql.push(part.mapper.select(part.alias, part.prefix));
        offset += part.mapper.width;
      } else {
        this.offsets.set(part.name, offset);
        sql.push(`${part.sql} AS ${part.name}`);
        offset += 1;
      }
    }
    this.sql = sql.join(',\n      ');
  }

  /** Where the part named `name` (an entity's prefix or a column's name) starts. */
  at(name: string): number {
    const offset = this.offsets.get(name);
    if (offset === undefined) throw new Error(`timeline row has no ${name}`);
    return offset;
  }

  has(name: string): boolean {
    return this.offsets.has(name);
  }
}

/**
 * StatusExtras columns, about `coalesce(p.boost_of_id, p.id)` (the post a status renders).
 * The viewer's like, boost, bookmark and pin are each one probe of a `(account_id, post)` key per
 * row: `OFFSET 0` keeps PostgreSQL from turning the EXISTS into a hashed subplan, which reads
 * every like (boost, bookmark, pin) the viewer ever made on every page, as the generic plan did
 * for boosts — 0.2–0.5 ms of a page for a reader with 122 posts, and growing with them (ADR 0068).
 */
export const STATUS_EXTRAS = [
  {
    name: 'x_tags',
    sql: `coalesce((SELECT array_agg(xh.name ORDER BY xh.name) FROM post_hashtags xph JOIN hashtags xh ON xh.id = xph.hashtag_id
              WHERE xph.post_id = coalesce(p.boost_of_id, p.id)), '{}')`,
  },
  {
    name: 'x_mentions',
    sql: `coalesce((SELECT array_agg(xm.account_id) FROM mentions xm WHERE xm.post_id = coalesce(p.boost_of_id, p.id)), '{}')`,
  },
  {
    name: 'x_liked',
    sql: `EXISTS (SELECT 1 FROM likes xl WHERE xl.account_id = :viewerId AND xl.post_id = coalesce(p.boost_of_id, p.id) OFFSET 0)`,
  },
  {
    name: 'x_boosted',
    sql: `EXISTS (SELECT 1 FROM posts xb WHERE xb.account_id = :viewerId AND xb.boost_of_id = coalesce(p.boost_of_id, p.id)
              AND xb.deleted_at IS NULL OFFSET 0)`,
  },
  {
    name: 'x_bookmarked',
    sql: `EXISTS (SELECT 1 FROM bookmarks xk WHERE xk.account_id = :viewerId AND xk.post_id = coalesce(p.boost_of_id, p.id) OFFSET 0)`,
  },
  {
    name: 'x_pinned',
    sql: `EXISTS (SELECT 1 FROM pinned_posts xp WHERE xp.account_id = :viewerId AND xp.post_id = coalesce(p.boost_of_id, p.id) OFFSET 0)`,
  },
  { name: 'x_has_poll', sql: `EXISTS (SELECT 1 FROM polls xq WHERE xq.post_id = coalesce(p.boost_of_id, p.id))` },
  {
    name: 'x_mutes_conversations',
    sql: `EXISTS (SELECT 1 FROM conversation_mutes xc WHERE xc.account_id = :viewerId)`,
  },
  { name: 'x_has_filters', sql: `EXISTS (SELECT 1 FROM filters xf WHERE xf.account_id = :viewerId)` },
];

/**
 * Reads a row's StatusExtras (its layout has STATUS_EXTRAS), about `postId` (the post its status
 * renders); the columns' offsets are looked up once, not per row.
 */
export function extrasReader(layout: TimelineRowLayout): (row: readonly unknown[], postId: string) => StatusExtras {
  const [tags, mentions, liked, boosted, bookmarked, pinned, hasPoll, mutes, filters] = [
    'x_tags',
    'x_mentions',
    'x_liked',
    'x_boosted',
    'x_bookmarked',
    'x_pinned',
    'x_has_poll',
    'x_mutes_conversations',
    'x_has_filters',
  ].map((name) => layout.at(name));
  return (row, postId) => ({
    postId,
    tags: row[tags] as string[],
    mentionIds: row[mentions] as string[],
    liked: row[liked] as boolean,
    boosted: row[boosted] as boolean,
    bookmarked: row[bookmarked] as boolean,
    pinned: row[pinned] as boolean,
    hasPoll: row[hasPoll] as boolean,
    viewerMutesConversations: row[mutes] as boolean,
    viewerHasFilters: row[filters] as boolean,
  });
}
