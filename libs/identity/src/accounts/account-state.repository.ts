import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditLog } from '@guildhall/core';
import { DataSource, type EntityManager } from 'typeorm';
import type { Role } from '../identity.constants';
import { SessionCache } from '../sessions/session-cache';
import { AccountEntity } from './account.entity';

/** Followers and following of one account, counted from its accepted follows. */
export interface FollowCounts {
  accountId: string;
  followers: number;
  following: number;
}

/** The profile columns of `accounts` that a member edits (content's profiles). */
export type AccountProfilePatch = Partial<
  Pick<
    AccountEntity,
    | 'displayName'
    | 'bioSource'
    | 'bio'
    | 'avatarMediaId'
    | 'headerMediaId'
    | 'fields'
    | 'manuallyApprovesFollowers'
    | 'discoverable'
  >
>;

/**
 * The writes other libs make to `accounts` (which identity owns, ADR 0024): the counters content
 * and social keep, suspensions, moves and row locks. Writes that belong to a transaction take
 * its `EntityManager`.
 */
@Injectable()
export class AccountStateRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly sessionCache: SessionCache,
  ) {}

  /**
   * Locks the accounts' rows until commit, in id order (every bulk writer does: no deadlock).
   * `noKey`: FOR NO KEY UPDATE, which still lets rows referencing the accounts be inserted.
   */
  async lock(manager: EntityManager, accountIds: readonly string[], mode: { noKey?: boolean } = {}): Promise<void> {
    if (!accountIds.length) return;
    await manager.query(
      `SELECT id FROM accounts WHERE id = ANY($1) ORDER BY id ${mode.noKey ? 'FOR NO KEY UPDATE' : 'FOR UPDATE'}`,
      [[...accountIds].sort()],
    );
  }

  async adjustPostsCount(manager: EntityManager, accountId: string, delta: 1 | -1): Promise<void> {
    await manager.query('UPDATE accounts SET posts_count = GREATEST(posts_count + $2, 0) WHERE id = $1', [
      accountId,
      delta,
    ]);
  }

  /** Moves one account's follow counters; the caller orders its calls by account id. */
  async adjustFollowCounts(manager: EntityManager, accountId: string, followers: number, following: number) {
    await manager.query(
      `UPDATE accounts SET followers_count = followers_count + $2, following_count = following_count + $3
       WHERE id = $1`,
      [accountId, followers, following],
    );
  }

  /** Sets follow counters recounted by the social graph (bulk removals). */
  async setFollowCounts(manager: EntityManager, counts: readonly FollowCounts[]): Promise<void> {
    if (!counts.length) return;
    await manager.query(
      `UPDATE accounts a SET followers_count = c.followers, following_count = c.following
       FROM unnest($1::uuid[], $2::int[], $3::int[]) AS c(id, followers, following) WHERE a.id = c.id`,
      [counts.map((c) => c.accountId), counts.map((c) => c.followers), counts.map((c) => c.following)],
    );
  }

  /** One UPDATE: the whole profile patch lands or none of it does. */
  async updateProfile(
    accountId: string,
    patch: AccountProfilePatch,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager.getRepository(AccountEntity).update({ id: accountId }, patch);
  }

  /** Records that `accountId` moved to `targetId`; false when it already had. */
  async markMoved(accountId: string, targetId: string): Promise<boolean> {
    const [, count] = await this.dataSource.query<[unknown[], number]>(
      `UPDATE accounts SET moved_to_account_id = $2, updated_at = now()
       WHERE id = $1 AND moved_to_account_id IS DISTINCT FROM $2`,
      [accountId, targetId],
    );
    return count > 0;
  }

  /**
   * Marks the account suspended by someone of `byRole` and returns it. One already suspended keeps
   * its date; its recorded role only rises (an admin re-suspending takes the lifting to admins).
   * The steward's act is recorded in the audit log (`identity.suspend`) in the same transaction.
   */
  async suspend(accountId: string, byRole: Role, actorId: string | null): Promise<AccountEntity> {
    const suspended = await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE accounts SET suspended_at = coalesce(suspended_at, now()),
           suspended_by_role = CASE WHEN suspended_at IS NULL OR $2 = 'admin' THEN $2 ELSE suspended_by_role END
         WHERE id = $1`,
        [accountId, byRole],
      );
      const account = await manager.getRepository(AccountEntity).findOneByOrFail({ id: accountId });
      await this.audit.record(manager, {
        actorId,
        action: 'identity.suspend',
        subject: handleOf(account),
        details: { accountId, role: byRole },
      });
      return account;
    });
    // Committed: no process answers this account's tokens from memory any more (ADR 0053).
    await this.sessionCache.evict({ accountIds: [accountId] });
    return suspended;
  }

  /** Lifts the suspension, recorded in the audit log (`identity.unsuspend`) in the same transaction. */
  async unsuspend(accountId: string, actorId: string | null): Promise<AccountEntity> {
    return this.dataSource.transaction(async (manager) => {
      const [before] = await manager.query<{ suspended_at: Date | null }[]>(
        'SELECT suspended_at FROM accounts WHERE id = $1 FOR UPDATE',
        [accountId],
      );
      await manager.query('UPDATE accounts SET suspended_at = NULL, suspended_by_role = NULL WHERE id = $1', [
        accountId,
      ]);
      const account = await manager.getRepository(AccountEntity).findOneByOrFail({ id: accountId });
      await this.audit.record(manager, {
        actorId,
        action: 'identity.unsuspend',
        subject: handleOf(account),
        details: { accountId, wasSuspended: Boolean(before?.suspended_at) },
      });
      return account;
    });
  }

  /** Whether the local account `username` is suspended (false when there is none). */
  async isLocalSuspended(username: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM accounts WHERE username = $1 AND domain IS NULL AND suspended_at IS NOT NULL',
      [username.toLowerCase()],
    );
    return rows.length > 0;
  }

  /**
   * Deletes remote accounts (a domain purge, in its transaction): the foreign keys cascade to what
   * they left in every lib. Local accounts are never deleted here. How many went.
   */
  async deleteRemote(manager: EntityManager, accountIds: readonly string[]): Promise<number> {
    // Nothing may still name them as the account they moved to.
    await manager.query('UPDATE accounts SET moved_to_account_id = NULL WHERE moved_to_account_id = ANY($1)', [
      accountIds,
    ]);
    const deleted = await manager.queryRunner!.query(
      'DELETE FROM accounts WHERE id = ANY($1) AND domain IS NOT NULL',
      [accountIds],
      true,
    );
    return deleted.affected ?? 0;
  }

  /** A deleted remote actor, in its purge's transaction: suspended, with nothing left to count. */
  async retireRemote(manager: EntityManager, accountId: string): Promise<void> {
    await manager.query(
      `UPDATE accounts SET suspended_at = coalesce(suspended_at, now()), posts_count = 0, followers_count = 0,
         following_count = 0
       WHERE id = $1 AND domain IS NOT NULL`,
      [accountId],
    );
  }
}

/** `@alice` for a local account, `@bob@remote.example` for a remote one: the audit log's subject. */
function handleOf(account: AccountEntity): string {
  return account.domain ? `@${account.username}@${account.domain}` : `@${account.username}`;
}
