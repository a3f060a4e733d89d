import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** A follow as its Follow activity names it: the local follower and the followee's id parts. */
export interface FollowObjectRow {
  id: string;
  followerUsername: string;
  followeeUsername: string;
  followeeDomain: string | null;
  followeeUri: string | null;
}

/** Reads for `/follows/<id>`: our own Follow activities (a local account follows someone). */
@Injectable()
export class FollowObjectRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findByLocalFollower(id: string): Promise<FollowObjectRow | null> {
    const [row] = await this.dataSource.query<
      { id: string; follower: string; followee: string; domain: string | null; uri: string | null }[]
    >(
      `SELECT f.id, fr.username AS follower, fe.username AS followee, fe.domain, fe.uri
       FROM follows f JOIN accounts fr ON fr.id = f.follower_id JOIN accounts fe ON fe.id = f.followee_id
       WHERE f.id = $1 AND fr.domain IS NULL`,
      [id],
    );
    if (!row) return null;
    return {
      id: row.id,
      followerUsername: row.follower,
      followeeUsername: row.followee,
      followeeDomain: row.domain,
      followeeUri: row.uri,
    };
  }
}
