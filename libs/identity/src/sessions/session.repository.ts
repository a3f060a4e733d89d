import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { Role } from '../identity.constants';
import { SessionEntity } from './session.entity';

export interface ActiveSession {
  sessionId: string;
  userId: string;
  accountId: string;
  role: Role;
  /** The account is suspended: the session is refused whatever its state. */
  suspended: boolean;
}

@Injectable()
export class SessionRepository {
  constructor(@InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>) {}

  create(session: Pick<SessionEntity, 'userId' | 'refreshTokenHash' | 'ip' | 'userAgent' | 'expiresAt'>) {
    return this.sessions.save(this.sessions.create({ ...session, lastUsedAt: new Date(), revokedAt: null }));
  }

  /**
   * The session an access token names, with its user's role, if it is still live — or, whatever
   * its state, if its account is suspended (suspension revokes the sessions; the caller says why).
   */
  async findActive(sessionId: string): Promise<ActiveSession | null> {
    // Runs on every authenticated request: plain SQL, no query building.
    const rows = await this.sessions.query<
      { session_id: string; user_id: string; account_id: string; role: Role; suspended: boolean }[]
    >(
      `SELECT s.id AS session_id, s.user_id, u.account_id, u.role, a.suspended_at IS NOT NULL AS suspended
       FROM sessions s JOIN users u ON u.id = s.user_id JOIN accounts a ON a.id = u.account_id
       WHERE s.id = $1 AND s.expires_at > now() AND (s.revoked_at IS NULL OR a.suspended_at IS NOT NULL)`,
      [sessionId],
    );
    const row = rows[0];
    return row
      ? {
          sessionId: row.session_id,
          userId: row.user_id,
          accountId: row.account_id,
          role: row.role,
          suspended: row.suspended,
        }
      : null;
  }

  /**
   * Swaps a live session's refresh token for a new one in one statement, so a refresh token
   * works exactly once even when two requests race with it; the old token's hash is kept as
   * spent, so presenting it again is recognised as reuse.
   */
  async rotate(oldHash: string, newHash: string, expiresAt: Date): Promise<{ id: string; userId: string } | null> {
    const rows = await this.sessions.query<{ id: string; user_id: string }[]>(
      `WITH rotated AS (
         UPDATE sessions SET refresh_token_hash = $2, last_used_at = now(), expires_at = $3
         WHERE refresh_token_hash = $1 AND revoked_at IS NULL AND expires_at > now()
         RETURNING id, user_id
       ), spent AS (
         INSERT INTO spent_refresh_tokens (token_hash, session_id) SELECT $1, id FROM rotated
       )
       SELECT id, user_id FROM rotated`,
      [oldHash, newHash, expiresAt],
    );
    const row = rows[0];
    return row ? { id: row.id, userId: row.user_id } : null;
  }

  /**
   * A spent refresh token presented again: revokes the session it belonged to (every refresh
   * token and access token of it stops working at once). Returns that session's id, or null
   * when the token was never one of ours.
   */
  async revokeForSpentToken(tokenHash: string): Promise<string | null> {
    // An UPDATE answers [rows, affected count].
    const [rows] = await this.sessions.query<[{ session_id: string }[], number]>(
      `WITH reused AS (SELECT session_id FROM spent_refresh_tokens WHERE token_hash = $1)
       UPDATE sessions SET revoked_at = coalesce(revoked_at, now())
       FROM reused WHERE sessions.id = reused.session_id
       RETURNING reused.session_id`,
      [tokenHash],
    );
    return rows[0]?.session_id ?? null;
  }

  /** Whether the user ever opened a session from `ip` (kept until the cleanup deletes ended ones). */
  async hasSignedInFrom(userId: string, ip: string): Promise<boolean> {
    const rows = await this.sessions.query<unknown[]>('SELECT 1 FROM sessions WHERE user_id = $1 AND ip = $2 LIMIT 1', [
      userId,
      ip,
    ]);
    return rows.length > 0;
  }

  async revoke(sessionId: string): Promise<boolean> {
    const result = await this.sessions.update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    return (result.affected ?? 0) > 0;
  }

  async revokeAllForUser(userId: string): Promise<number> {
    const result = await this.sessions
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ revokedAt: () => 'now()' })
      .where('user_id = :userId', { userId })
      .andWhere('revoked_at IS NULL')
      .execute();
    return result.affected ?? 0;
  }

  /** Revokes every live session of the account's user (a suspension); returns how many. */
  async revokeAllForAccount(accountId: string): Promise<number> {
    const [, count] = await this.sessions.query<[unknown[], number]>(
      `UPDATE sessions SET revoked_at = now()
       WHERE user_id IN (SELECT id FROM users WHERE account_id = $1) AND revoked_at IS NULL`,
      [accountId],
    );
    return count;
  }

  /** Removes sessions expired or revoked before `before`; returns how many. */
  async deleteEndedBefore(before: Date): Promise<number> {
    const result = await this.sessions
      .createQueryBuilder()
      .delete()
      .from(SessionEntity)
      .where('expires_at < :before', { before })
      .orWhere('revoked_at < :before', { before })
      .execute();
    return result.affected ?? 0;
  }

  /**
   * Forgets spent refresh tokens older than `before` (their session's refresh window has long
   * closed on them); returns how many.
   */
  async deleteSpentTokensBefore(before: Date): Promise<number> {
    const [, count] = await this.sessions.query<[unknown[], number]>(
      'DELETE FROM spent_refresh_tokens WHERE spent_at < $1',
      [before],
    );
    return count;
  }
}
