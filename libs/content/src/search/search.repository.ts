import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AccountEntity } from '@guildhall/identity';
import { DataSource } from 'typeorm';
import { PostEntity } from '../posts/post.entity';
import { HashtagEntity } from '../tags/hashtag.entity';
import { visibleTo } from '../posts/post-visibility';

/** Narrows a post search: one account's posts, and a window of ids. */
export interface PostBounds {
  accountId?: string | null;
  maxId?: string | null;
  minId?: string | null;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Search queries; each bounded by `limit` and the visibility rule. */
@Injectable()
export class SearchRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Accounts whose username starts with, or display name contains, the text; no blocks either
   * way, none suspended. `followingOnly`: only accounts the viewer follows (accepted); `offset`
   * skips that many (Mastodon's search pages by offset).
   */
  accounts(
    text: string,
    viewerId: string | null,
    limit: number,
    options: { followingOnly?: boolean; offset?: number } = {},
  ): Promise<AccountEntity[]> {
    const query = this.dataSource
      .getRepository(AccountEntity)
      .createQueryBuilder('a')
      .where(`(a.username ILIKE :prefix ESCAPE '\\' OR a.display_name ILIKE :infix ESCAPE '\\')`, {
        prefix: `${escapeLike(text)}%`,
        infix: `%${escapeLike(text)}%`,
      })
      .andWhere('a.suspended_at IS NULL')
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM blocks sb WHERE (sb.account_id = :viewerId AND sb.target_id = a.id)
                                               OR (sb.account_id = a.id AND sb.target_id = :viewerId))`,
        { viewerId },
      )
      .orderBy('a.domain IS NULL', 'DESC')
      .addOrderBy('a.followers_count', 'DESC')
      // A total order, so that pages by offset neither repeat nor skip accounts.
      .addOrderBy('a.id')
      .offset(options.offset ?? 0)
      .limit(limit);
    if (options.followingOnly) {
      query.andWhere(
        `EXISTS (SELECT 1 FROM follows sf WHERE sf.follower_id = :viewerId AND sf.followee_id = a.id
                 AND sf.state = 'accepted')`,
      );
    }
    return query.getMany();
  }

  /**
   * Hashtags starting with `prefix` that at least one post the viewer may see carries (the
   * visibility rule): the tags of followers-only and direct posts are theirs' to know of only.
   */
  hashtags(prefix: string, viewerId: string | null, limit: number, offset = 0): Promise<string[]> {
    const visible = visibleTo('p', viewerId);
    return this.dataSource
      .getRepository(HashtagEntity)
      .createQueryBuilder('h')
      .select('h.name', 'name')
      .where(`h.name LIKE :prefix ESCAPE '\\'`, { prefix: `${escapeLike(prefix.toLowerCase())}%` })
      .andWhere(
        `EXISTS (SELECT 1 FROM post_hashtags sh JOIN posts p ON p.id = sh.post_id
                 WHERE sh.hashtag_id = h.id AND ${visible.sql})`,
        visible.params,
      )
      .orderBy('h.name')
      .offset(offset)
      .limit(limit)
      .getRawMany<{ name: string }>()
      .then((rows) => rows.map((row) => row.name));
  }

  /**
   * Posts the viewer may see whose text matches every word, newest first; optionally only one
   * account's, and only older than `maxId` / newer than `minId` (post ids are time-ordered).
   */
  posts(
    text: string,
    viewerId: string | null,
    limit: number,
    offset = 0,
    bounds: PostBounds = {},
  ): Promise<PostEntity[]> {
    const visible = visibleTo('p', viewerId);
    const query = this.dataSource.getRepository(PostEntity).createQueryBuilder('p').where(visible.sql, visible.params);
    if (bounds.accountId) query.andWhere('p.account_id = :accountId', { accountId: bounds.accountId });
    if (bounds.maxId) query.andWhere('p.id < :maxId', { maxId: bounds.maxId });
    if (bounds.minId) query.andWhere('p.id > :minId', { minId: bounds.minId });
    return query
      .andWhere('p.boost_of_id IS NULL')
      .andWhere(
        `to_tsvector('simple', coalesce(p.title, '') || ' ' || p.content) @@ plainto_tsquery('simple', :text)`,
        { text },
      )
      .orderBy('p.id', 'DESC')
      .offset(offset)
      .limit(limit)
      .getMany();
  }
}
