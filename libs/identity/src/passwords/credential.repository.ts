import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditLog } from '@guildhall/core';
import { DataSource, type EntityManager } from 'typeorm';
import { SessionCache } from '../sessions/session-cache';

export type ResetRefusal = 'unknown' | 'expired' | 'used';
type ConsumedReset = { userId: string; sessionsEnded: number } | { refused: ResetRefusal };

/**
 * Password writes: a new hash, the sessions it ends and the resets it voids change in one
 * transaction, so a failed write leaves the old password, sessions and reset in force.
 */
@Injectable()
export class CredentialRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly sessionCache: SessionCache,
  ) {}

  /** Sets the password, ends every session but `keepSessionId` and voids open resets; returns sessions ended. */
  async setPassword(userId: string, passwordHash: string, keepSessionId: string | null): Promise<number> {
    const ended = await this.dataSource.transaction((manager) =>
      this.replacePassword(manager, userId, passwordHash, keepSessionId),
    );
    // After the commit: the ended sessions are no process's memory any more (ADR 0053).
    await this.sessionCache.evict({ userIds: [userId] });
    return ended;
  }

  /**
   * Stores a new reset for the user; earlier unused ones stop working. Recorded in the audit log
   * (`identity.issue_password_reset`, never the token) in the same transaction.
   */
  async issueReset(reset: {
    userId: string;
    accountId: string;
    /** The account's handle, the audit entry's subject. */
    handle: string;
    tokenHash: string;
    expiresAt: Date;
    issuedByAccountId: string | null;
  }): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query('UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL', [
        reset.userId,
      ]);
      await manager.query(
        `INSERT INTO password_resets (user_id, token_hash, expires_at, issued_by_account_id) VALUES ($1, $2, $3, $4)`,
        [reset.userId, reset.tokenHash, reset.expiresAt, reset.issuedByAccountId],
      );
      await this.audit.record(manager, {
        actorId: reset.issuedByAccountId,
        action: 'identity.issue_password_reset',
        subject: reset.handle,
        details: { accountId: reset.accountId, expiresAt: reset.expiresAt.toISOString() },
      });
    });
  }

  /**
   * Consumes a live reset and sets the password in one transaction (the reset works once even
   * when two requests race with it); ends every session. Says why when the token does not work.
   */
  async consumeReset(tokenHash: string, passwordHash: string): Promise<ConsumedReset> {
    const outcome = await this.dataSource.transaction(async (manager): Promise<ConsumedReset> => {
      // An UPDATE answers [rows, affected count].
      const [[claimed]] = await manager.query<[{ user_id: string }[], number]>(
        `UPDATE password_resets SET used_at = now()
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id`,
        [tokenHash],
      );
      if (!claimed) {
        const [known] = await manager.query<{ used: boolean }[]>(
          'SELECT used_at IS NOT NULL AS used FROM password_resets WHERE token_hash = $1',
          [tokenHash],
        );
        return { refused: !known ? 'unknown' : known.used ? 'used' : 'expired' };
      }
      const sessionsEnded = await this.replacePassword(manager, claimed.user_id, passwordHash, null);
      return { userId: claimed.user_id, sessionsEnded };
    });
    if ('userId' in outcome) await this.sessionCache.evict({ userIds: [outcome.userId] });
    return outcome;
  }

  private async replacePassword(
    manager: EntityManager,
    userId: string,
    passwordHash: string,
    keepSessionId: string | null,
  ): Promise<number> {
    await manager.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [
      userId,
      passwordHash,
    ]);
    await manager.query('UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL', [userId]);
    const [, ended] = await manager.query<[unknown[], number]>(
      `UPDATE sessions SET revoked_at = now()
       WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid)`,
      [userId, keepSessionId],
    );
    return ended;
  }
}
