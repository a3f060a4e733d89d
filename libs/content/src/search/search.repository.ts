import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AccountEntity } from '@guildhall/identity';
import { DataSource } from 'typeorm';
import { PostEntity } from '../posts/post.entity';
import { HashtagEntity } from '../tags/hashtag.entity';
import { visibleTo } from '../posts/post-visibility';

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
    viewerId: string,
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
  hashtags(prefix: string, viewerId: string | null, limit: number): Promise<string[]> {
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
      .limit(limit)
      .getRawMany<{ name: string }>()
      .then((rows) => rows.map((row) => row.name));
  }

  /** Posts the viewer may see whose text matches every word, newest first. */
  posts(text: string, viewerId: string, limit: number): Promise<PostEntity[]> {
    const visible = visibleTo('p', viewerId);
    return this.dataSource
      .getRepository(PostEntity)
      .createQueryBuilder('p')
      .where(visible.sql, visible.params)
      .andWhere('p.boost_of_id IS NULL')
      .andWhere(
        `to_tsvector('simple', coalesce(p.title, '') || ' ' || p.content) @@ plainto_tsquery('simple', :text)`,
        { text },
      )
      .orderBy('p.id', 'DESC')
      .limit(limit)
      .getMany();
  }
}
