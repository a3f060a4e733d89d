import { Injectable } from '@nestjs/common';
import { BlockRepository } from '../blocks/block.repository';
import { FollowRepository } from './follow.repository';
import type { RelationshipModel } from './relationship.model';
import { RelationshipRepository } from './relationship.repository';

export type Relationship = RelationshipModel;

/** Read-only questions about the social graph, for other libs (content's visibility rules). */
@Injectable()
export class SocialGraphService {
  constructor(
    private readonly follows: FollowRepository,
    private readonly blocks: BlockRepository,
    private readonly relationshipRows: RelationshipRepository,
  ) {}

  isBlockedEitherWay(a: string, b: string): Promise<boolean> {
    return this.blocks.existsEitherWay(a, b);
  }

  /** Accepted follows only: a pending request grants nothing. */
  isFollowing(followerId: string, followeeId: string): Promise<boolean> {
    return this.follows.isFollowing(followerId, followeeId);
  }

  /** How `viewerId` relates to each account, in one query; keyed by account id. */
  async relationships(viewerId: string, accountIds: readonly string[]): Promise<Map<string, Relationship>> {
    if (accountIds.length === 0) return new Map();
    const rows = await this.relationshipRows.forAccounts(viewerId, accountIds);
    return new Map(
      rows.map((row) => [
        row.id,
        {
          following: row.following,
          requested: row.requested,
          followedBy: row.followed_by,
          requestedBy: row.requested_by,
          blocking: row.blocking,
          blockedBy: row.blocked_by,
          muting: row.muting,
          mutingNotifications: row.muting_notifications,
          domainBlocking: row.domain_blocking,
          showingReblogs: row.showing_reblogs,
          notifying: row.notifying,
          languages: row.languages,
        },
      ]),
    );
  }
}
