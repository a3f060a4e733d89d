import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { muteInForce } from '../blocks/mute-in-force';

export interface RelationshipRow {
  id: string;
  following: boolean;
  requested: boolean;
  followed_by: boolean;
  requested_by: boolean;
  blocking: boolean;
  blocked_by: boolean;
  muting: boolean;
  muting_notifications: boolean;
  domain_blocking: boolean;
  showing_reblogs: boolean;
  notifying: boolean;
  languages: string[] | null;
}

@Injectable()
export class RelationshipRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One row per account id: how `viewerId` relates to it (each flag an index lookup). */
  forAccounts(viewerId: string, accountIds: readonly string[]): Promise<RelationshipRow[]> {
    return this.dataSource.query<RelationshipRow[]>(
      `SELECT t.id,
         EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = $1 AND f.followee_id = t.id AND f.state = 'accepted')
           AS following,
         EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = $1 AND f.followee_id = t.id AND f.state = 'pending')
           AS requested,
         EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = t.id AND f.followee_id = $1 AND f.state = 'accepted')
           AS followed_by,
         EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = t.id AND f.followee_id = $1 AND f.state = 'pending')
           AS requested_by,
         EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = $1 AND b.target_id = t.id) AS blocking,
         EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = t.id AND b.target_id = $1) AS blocked_by,
         EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = $1 AND m.target_id = t.id AND ${muteInForce('m')})
           AS muting,
         EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = $1 AND m.target_id = t.id AND ${muteInForce('m')}
                 AND m.hide_notifications) AS muting_notifications,
         EXISTS (SELECT 1 FROM accounts a JOIN account_domain_blocks d ON d.domain = a.domain
                 WHERE a.id = t.id AND d.account_id = $1) AS domain_blocking,
         COALESCE(o.show_reblogs, false) AS showing_reblogs,
         COALESCE(o.notify, false) AS notifying,
         o.languages
       FROM unnest($2::uuid[]) AS t(id)
       LEFT JOIN follows o ON o.follower_id = $1 AND o.followee_id = t.id AND o.state IN ('accepted', 'pending')`,
      [viewerId, [...accountIds]],
    );
  }
}
