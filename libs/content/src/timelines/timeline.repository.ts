import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { PostEntity } from '../posts/post.entity';
import { visibleTo } from '../posts/post-visibility';

export interface TimelinePage {
  viewerId: string | null;
  afterId: string | null;
  limit: number;
}

/**
 * Timeline queries. Every one pages by the time-ordered id (`id < after`, newest first) and
 * applies the visibility rule, the viewer's blocks and mutes; each returns `limit + 1` rows.
 */
@Injectable()
export class TimelineRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private base(page: TimelinePage): SelectQueryBuilder<PostEntity> {
    const visible = visibleTo('p', page.viewerId);
    const query = this.dataSource.getRepository(PostEntity).createQueryBuilder('p').where(visible.sql, visible.params);
    if (page.viewerId) {
      query.andWhere(
        'NOT EXISTS (SELECT 1 FROM mutes tm WHERE tm.account_id = :viewerId AND tm.target_id = p.account_id)',
        {
          viewerId: page.viewerId,
        },
      );
    }
    if (page.afterId) query.andWhere('p.id < :afterId', { afterId: page.afterId });
    return query.orderBy('p.id', 'DESC').limit(page.limit + 1);
  }

  /** A boost shows only while its original is visible to the viewer and its author not muted. */
  private boostedVisible(
    query: SelectQueryBuilder<PostEntity>,
    viewerId: string | null,
  ): SelectQueryBuilder<PostEntity> {
    const original = visibleTo('o', viewerId);
    const muted = viewerId
      ? 'AND NOT EXISTS (SELECT 1 FROM mutes om WHERE om.account_id = :viewerId AND om.target_id = o.account_id)'
      : '';
    return query.andWhere(
      `(p.boost_of_id IS NULL OR EXISTS (SELECT 1 FROM posts o WHERE o.id = p.boost_of_id AND ${original.sql} ${muted}))`,
      original.params,
    );
  }

  /** The viewer's own posts and those of accounts they follow, with boosts. */
  home(page: TimelinePage & { viewerId: string }): Promise<PostEntity[]> {
    const query = this.base(page).andWhere(
      `(p.account_id = :viewerId OR p.account_id IN (
         SELECT hf.followee_id FROM follows hf WHERE hf.follower_id = :viewerId AND hf.state = 'accepted'))`,
      { viewerId: page.viewerId },
    );
    return this.boostedVisible(query, page.viewerId).getMany();
  }

  /** Public posts: written here (LOCAL) or known here (FEDERATED). No boosts, no unlisted posts. */
  publicPosts(page: TimelinePage, localOnly: boolean): Promise<PostEntity[]> {
    const query = this.base(page).andWhere(`p.visibility = 'public' AND p.boost_of_id IS NULL`);
    if (localOnly) query.andWhere('p.local');
    return query.getMany();
  }

  /** Public posts tagged `tag`. */
  hashtag(page: TimelinePage, tag: string): Promise<PostEntity[]> {
    return this.base(page)
      .andWhere(`p.visibility = 'public'`)
      .andWhere(
        `EXISTS (SELECT 1 FROM post_hashtags ph JOIN hashtags h ON h.id = ph.hashtag_id
                 WHERE ph.post_id = p.id AND h.name = :tag)`,
        { tag },
      )
      .getMany();
  }

  /** One account's posts and boosts, as the viewer may see them. */
  account(page: TimelinePage, accountId: string): Promise<PostEntity[]> {
    const query = this.base(page).andWhere('p.account_id = :accountId', { accountId });
    return this.boostedVisible(query, page.viewerId).getMany();
  }
}
