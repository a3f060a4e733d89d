import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { muteInForce } from '@guildhall/social';
import { visibleToEach } from './post-visibility';

/**
 * Who, of a set of readers, may see a post now: the one visibility rule (ADR 0019) applied to
 * every reader in one query, without the readers who mute its author, as timelines do. For live
 * streams, where a post reaches many connected readers at once.
 */
@Injectable()
export class PostAudienceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `homeOnly`: only readers who are the author or follow them (their home timeline). */
  async audience(postId: string, readerIds: readonly string[], options: { homeOnly: boolean }): Promise<string[]> {
    if (!readerIds.length) return [];
    const home = options.homeOnly
      ? `AND (p.account_id = v.id OR EXISTS (SELECT 1 FROM follows hf
           WHERE hf.follower_id = v.id AND hf.followee_id = p.account_id AND hf.state = 'accepted'))`
      : '';
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT v.id FROM unnest($2::uuid[]) AS v(id) JOIN posts p ON p.id = $1
        WHERE ${visibleToEach('p', 'v.id')}
          AND NOT EXISTS (SELECT 1 FROM mutes sm WHERE sm.account_id = v.id AND sm.target_id = p.account_id
                            AND ${muteInForce('sm')})
          ${home}`,
      [postId, [...readerIds]],
    );
    return rows.map((row) => row.id);
  }
}
