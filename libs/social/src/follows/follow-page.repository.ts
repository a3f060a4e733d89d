import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { type IdPage, fetchIdPage } from '../paging/id-page';
import { FollowEntity, FollowState } from './follow.entity';

/**
 * Pages of follows as people list them: an account's followers and followings, its pending
 * requests, and the followers a viewer knows. Reads only; FollowRepository writes the rows.
 */
@Injectable()
export class FollowPageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Accepted follows of `followeeId`, newest first, with the follower loaded (never a suspended one). */
  pageFollowers(followeeId: string, beforeId: string | null, limit: number): Promise<FollowEntity[]> {
    return this.beforeCursor(this.accepted('followers', followeeId), beforeId, limit);
  }

  /** Accepted follows by `followerId`, newest first, with the followee loaded (never a suspended one). */
  pageFollowing(followerId: string, beforeId: string | null, limit: number): Promise<FollowEntity[]> {
    return this.beforeCursor(this.accepted('following', followerId), beforeId, limit);
  }

  /**
   * Accepted follows of (`direction` followers) or by (following) `accountId`, with the other
   * account loaded: a suspended account is hidden from lists; its follows stay, to come back if
   * it is lifted.
   */
  private accepted(direction: 'followers' | 'following', accountId: string): SelectQueryBuilder<FollowEntity> {
    const [relation, where] =
      direction === 'followers' ? ['follower', 'f.followeeId = :accountId'] : ['followee', 'f.followerId = :accountId'];
    return this.dataSource
      .getRepository(FollowEntity)
      .createQueryBuilder('f')
      .innerJoinAndSelect(`f.${relation}`, 'a')
      .where(where, { accountId })
      .andWhere('f.state = :state', { state: FollowState.Accepted })
      .andWhere('a.suspendedAt IS NULL');
  }

  /** `limit` rows of `query` older than `beforeId`, newest first (GraphQL's cursor paging). */
  private beforeCursor(
    query: SelectQueryBuilder<FollowEntity>,
    beforeId: string | null,
    limit: number,
  ): Promise<FollowEntity[]> {
    if (beforeId) query.andWhere('f.id < :beforeId', { beforeId });
    return query.orderBy('f.id', 'DESC').limit(limit).getMany();
  }

  /** Pending requests to `followeeId`, newest first. */
  pageRequests(followeeId: string, beforeId: string | null, limit: number): Promise<FollowEntity[]> {
    const query = this.dataSource
      .getRepository(FollowEntity)
      .createQueryBuilder('f')
      .where('f.followeeId = :followeeId', { followeeId })
      .andWhere('f.state = :state', { state: FollowState.Pending });
    return this.beforeCursor(query, beforeId, limit);
  }

  /**
   * Accepted follows of (`direction` followers) or by (following) `accountId` in a Mastodon page
   * of follow ids, with the other account loaded (never a suspended one).
   */
  pageAccepted(direction: 'followers' | 'following', accountId: string, page: IdPage): Promise<FollowEntity[]> {
    return fetchIdPage(this.accepted(direction, accountId), 'f.id', page);
  }

  /** Pending requests to `followeeId` in a Mastodon page of follow ids, with the requester loaded. */
  pagePendingWithRequester(followeeId: string, page: IdPage): Promise<FollowEntity[]> {
    const query = this.dataSource
      .getRepository(FollowEntity)
      .createQueryBuilder('f')
      .innerJoinAndSelect('f.follower', 'a')
      .where('f.followeeId = :followeeId', { followeeId })
      .andWhere('f.state = :state', { state: FollowState.Pending })
      .andWhere('a.suspendedAt IS NULL');
    return fetchIdPage(query, 'f.id', page);
  }

  /** How many pending requests to follow `followeeId` there are. */
  countPending(followeeId: string): Promise<number> {
    return this.dataSource.getRepository(FollowEntity).countBy({ followeeId, state: FollowState.Pending });
  }

  /**
   * Accepted follows of any of `accountIds` by accounts `viewerId` follows (accepted), with the
   * follower loaded (never a suspended one); newest first, at most `limit`.
   */
  familiarFollows(viewerId: string, accountIds: readonly string[], limit: number): Promise<FollowEntity[]> {
    return this.dataSource
      .getRepository(FollowEntity)
      .createQueryBuilder('f')
      .innerJoinAndSelect('f.follower', 'a')
      .where('f.followeeId IN (:...accountIds)', { accountIds: [...accountIds] })
      .andWhere('f.state = :state', { state: FollowState.Accepted })
      .andWhere('a.suspendedAt IS NULL')
      .andWhere(
        `EXISTS (SELECT 1 FROM follows v WHERE v.follower_id = :viewerId AND v.followee_id = f.follower_id
                 AND v.state = 'accepted')`,
        { viewerId },
      )
      .orderBy('f.id', 'DESC')
      .limit(limit)
      .getMany();
  }
}
