import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface InstanceCounts {
  users: number;
  localPosts: number;
  /** Other servers known here (Mastodon's `domain_count`). */
  domains: number;
}

/** The counts NodeInfo publishes, read from the identity and content tables by name. */
@Injectable()
export class InstanceStatsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async counts(): Promise<InstanceCounts> {
    const [row] = await this.dataSource.query<{ users: string; local_posts: string; domains: string }[]>(
      `SELECT (SELECT count(*) FROM accounts WHERE domain IS NULL) AS users,
              (SELECT count(*) FROM posts WHERE local AND deleted_at IS NULL AND boost_of_id IS NULL) AS local_posts,
              (SELECT count(DISTINCT domain) FROM accounts WHERE domain IS NOT NULL) AS domains`,
    );
    return {
      users: Number(row?.users ?? 0),
      localPosts: Number(row?.local_posts ?? 0),
      domains: Number(row?.domains ?? 0),
    };
  }
}
