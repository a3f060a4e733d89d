import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { Role } from '../identity.constants';
import { SessionCache } from './session-cache';
import { SessionEntity } from './session.entity';

export interface ActiveSession {
  sessionId: string;
  userId: string;
  accountId: string;
  role: Role;
  /** The account is suspended: the session is refused whatever its state. */
  suspended: boolean;
  /** Granted OAuth scopes; null for a first-party session. */
  scopes: string[] | null;
  applicationId: string | null;
  /** When the session ends by itself (a first-party session's refresh window); null for an app's token. */
  expiresAt: Date | null;
}

/** An OAuth app's own token (`client_credentials`): no user behind it. */
export interface AppOnlySession {
  sessionId: string;
  applicationId: string;
  scopes: string[];
}

/** An app a member authorized, for the "authorized apps" page. */
export interface AuthorizedApp {
  applicationId: string;
  name: string;
  website: string | null;
  scopes: string[];
  authorizedAt: Date;
  lastUsedAt: Date;
}

/** A first-party session (a signed-in browser or GraphQL client), for the member's sessions page. */
export interface SessionView {
  id: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastUsedAt: Date;
}

type SessionRow = {
  session_id: string;
  user_id: string;
  account_id: string;
  role: Role;
  suspended: boolean;
  scopes: string[] | null;
  application_id: string | null;
  expires_at: Date | null;
};

const ACTIVE_SESSION_SELECT = `SELECT s.id AS session_id, s.user_id, u.account_id, u.role,
         a.suspended_at IS NOT NULL AS suspended, s.scopes, s.application_id, s.expires_at
       FROM sessions s JOIN users u ON u.id = s.user_id JOIN accounts a ON a.id = u.account_id`;

function toActiveSession(row: SessionRow | undefined): ActiveSession | null {
  return row
    ? {
        sessionId: row.session_id,
        userId: row.user_id,
        accountId: row.account_id,
        role: row.role,
        suspended: row.suspended,
        scopes: row.scopes,
        applicationId: row.application_id,
        expiresAt: row.expires_at,
      }
    : null;
}

/**
 * Every statement that ends sessions tells the SessionCache which, once it has committed, so no
 * process answers a revoked token from memory (ADR 0053).
 */
@Injectable()
export class SessionRepository {
  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    private readonly cache: SessionCache,
  ) {}

  create(session: {
    userId: string;
    refreshTokenHash: string;
    ip: string | null;
    userAgent: string | null;
    expiresAt: Date;
  }) {
    return this.sessions.save(this.sessions.create({ ...session, lastUsedAt: new Date(), revokedAt: null }));
  }

  /**
   * The session an access token names, with its user's role, if it is still live — or, whatever
   * its state, if its account is suspended (suspension revokes the sessions; the caller says why).
   */
  async findActive(sessionId: string): Promise<ActiveSession | null> {
    // Runs on every authenticated request: plain SQL, no query building.
    const rows = await this.sessions.query<SessionRow[]>(
      `${ACTIVE_SESSION_SELECT}
       WHERE s.id = $1 AND s.access_token_hash IS NULL AND s.expires_at > now()
         AND (s.revoked_at IS NULL OR a.suspended_at IS NOT NULL)`,
      [sessionId],
    );
    return toActiveSession(rows[0]);
  }

  /** The same for an app's opaque access token (by its hash). */
  async findActiveByAccessToken(tokenHash: string): Promise<ActiveSession | null> {
    const rows = await this.sessions.query<SessionRow[]>(
      `${ACTIVE_SESSION_SELECT}
       WHERE s.access_token_hash = $1 AND (s.revoked_at IS NULL OR a.suspended_at IS NOT NULL)`,
      [tokenHash],
    );
    return toActiveSession(rows[0]);
  }

  /** Of `ids`, the sessions still live (not revoked, not expired): push goes only to those. */
  async liveIds(ids: readonly string[]): Promise<string[]> {
    if (!ids.length) return [];
    const rows = await this.sessions.query<{ id: string }[]>(
      `SELECT id FROM sessions
       WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [ids],
    );
    return rows.map((row) => row.id);
  }

  /** An app's own live token (`client_credentials`), by its hash. */
  async findAppOnly(tokenHash: string): Promise<AppOnlySession | null> {
    const rows = await this.sessions.query<{ id: string; application_id: string; scopes: string[] }[]>(
      `SELECT id, application_id, scopes FROM sessions
       WHERE access_token_hash = $1 AND user_id IS NULL AND revoked_at IS NULL`,
      [tokenHash],
    );
    const row = rows[0];
    return row ? { sessionId: row.id, applicationId: row.application_id, scopes: row.scopes } : null;
  }

  /** Records a token issued to an app (for a user, or the app's own when userId is null). */
  async createAppSession(session: {
    userId: string | null;
    applicationId: string;
    accessTokenHash: string;
    scopes: string[];
    ip: string | null;
    userAgent: string | null;
  }): Promise<SessionEntity> {
    return this.sessions.save(
      this.sessions.create({
        ...session,
        refreshTokenHash: null,
        expiresAt: null,
        lastUsedAt: new Date(),
        revokedAt: null,
      }),
    );
  }

  /** Revokes an app's token by its hash, only if it belongs to that app; true when it was live. */
  async revokeAppToken(tokenHash: string, applicationId: string): Promise<boolean> {
    const result = await this.sessions.update(
      { accessTokenHash: tokenHash, applicationId, revokedAt: IsNull() },
      { revokedAt: () => 'now()' },
    );
    await this.cache.evict({ tokenHashes: [tokenHash] });
    return (result.affected ?? 0) > 0;
  }

  /** The apps a user has live tokens for, most recently authorized first (one entry per app). */
  async listAuthorizedApps(userId: string): Promise<AuthorizedApp[]> {
    const rows = await this.sessions.query<
      {
        application_id: string;
        name: string;
        website: string | null;
        scopes: string[];
        created_at: Date;
        last_used_at: Date;
      }[]
    >(
      `SELECT s.application_id, app.name, app.website, s.scopes, s.created_at, s.last_used_at
       FROM sessions s JOIN oauth_applications app ON app.id = s.application_id
       WHERE s.user_id = $1 AND s.revoked_at IS NULL
       ORDER BY s.created_at DESC`,
      [userId],
    );
    const byApp = new Map<string, AuthorizedApp>();
    for (const row of rows) {
      const seen = byApp.get(row.application_id);
      if (!seen) {
        byApp.set(row.application_id, {
          applicationId: row.application_id,
          name: row.name,
          website: row.website,
          scopes: [...row.scopes].sort(),
          authorizedAt: row.created_at,
          lastUsedAt: row.last_used_at,
        });
        continue;
      }
      seen.scopes = [...new Set([...seen.scopes, ...row.scopes])].sort();
      if (row.last_used_at > seen.lastUsedAt) seen.lastUsedAt = row.last_used_at;
    }
    return [...byApp.values()];
  }

  /** Revokes every live token a user gave an app; returns how many. */
  async revokeAppForUser(userId: string, applicationId: string): Promise<number> {
    const [, count] = await this.sessions.query<[unknown[], number]>(
      `UPDATE sessions SET revoked_at = now()
       WHERE user_id = $1 AND application_id = $2 AND revoked_at IS NULL`,
      [userId, applicationId],
    );
    await this.cache.evict({ userIds: [userId] });
    return count;
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
    const sessionId = rows[0]?.session_id ?? null;
    if (sessionId) await this.cache.evict({ sessionIds: [sessionId] });
    return sessionId;
  }

  /** Whether the user ever opened a session from `ip` (kept until the cleanup deletes ended ones). */
  async hasSignedInFrom(userId: string, ip: string): Promise<boolean> {
    const rows = await this.sessions.query<unknown[]>('SELECT 1 FROM sessions WHERE user_id = $1 AND ip = $2 LIMIT 1', [
      userId,
      ip,
    ]);
    return rows.length > 0;
  }

  /** A user's live first-party sessions (apps are listed by listAuthorizedApps), last used first. */
  async listForUser(userId: string): Promise<SessionView[]> {
    const rows = await this.sessions.query<
      { id: string; ip: string | null; user_agent: string | null; created_at: Date; last_used_at: Date }[]
    >(
      `SELECT id, ip, user_agent, created_at, last_used_at FROM sessions
       WHERE user_id = $1 AND application_id IS NULL AND revoked_at IS NULL AND expires_at > now()
       ORDER BY last_used_at DESC, id`,
      [userId],
    );
    return rows.map((row) => ({
      id: row.id,
      ip: row.ip,
      userAgent: row.user_agent,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
    }));
  }

  /** Revokes one of the user's own live first-party sessions; false when it is not one (another's, an app's, ended). */
  async revokeOwn(userId: string, sessionId: string): Promise<boolean> {
    const [, count] = await this.sessions.query<[unknown[], number]>(
      `UPDATE sessions SET revoked_at = now()
       WHERE id = $1 AND user_id = $2 AND application_id IS NULL AND revoked_at IS NULL`,
      [sessionId, userId],
    );
    await this.cache.evict({ sessionIds: [sessionId] });
    return count > 0;
  }

  /** Revokes the user's other live first-party sessions (apps keep their tokens); returns how many. */
  async revokeOthers(userId: string, keepSessionId: string): Promise<number> {
    const [, count] = await this.sessions.query<[unknown[], number]>(
      `UPDATE sessions SET revoked_at = now()
       WHERE user_id = $1 AND id <> $2 AND application_id IS NULL AND revoked_at IS NULL`,
      [userId, keepSessionId],
    );
    // The kept session is looked up again once: simpler than naming every other one.
    await this.cache.evict({ userIds: [userId] });
    return count;
  }

  async revoke(sessionId: string): Promise<boolean> {
    const result = await this.sessions.update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    await this.cache.evict({ sessionIds: [sessionId] });
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
    await this.cache.evict({ userIds: [userId] });
    return result.affected ?? 0;
  }

  /** Revokes every live session of the account's user (a suspension); returns how many. */
  async revokeAllForAccount(accountId: string): Promise<number> {
    const [, count] = await this.sessions.query<[unknown[], number]>(
      `UPDATE sessions SET revoked_at = now()
       WHERE user_id IN (SELECT id FROM users WHERE account_id = $1) AND revoked_at IS NULL`,
      [accountId],
    );
    await this.cache.evict({ accountIds: [accountId] });
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
