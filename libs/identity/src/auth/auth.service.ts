import { Injectable, Logger } from '@nestjs/common';
import { ConfigService, RateLimiterService, type Limit } from '@guildhall/core';
import type { AccountEntity } from '../accounts/account.entity';
import { AccountRepository } from '../accounts/account.repository';
import { AccountService } from '../accounts/account.service';
import type { UserEntity } from '../accounts/user.entity';
import { IdentityErrorCode, IdentityException } from '../identity.exception';
import { SessionRepository } from '../sessions/session.repository';
import type { AuthContext } from './auth-context';
import { PasswordService } from './password.service';
import { TokenService, type AccessTokenClaims } from './token.service';

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

export interface IssuedSession {
  token: string;
  refreshToken: string;
  expiresAt: Date;
  account: AccountEntity;
}

const WRONG_CREDENTIALS = 'Wrong username, email or password';

const suspended = () => new IdentityException(IdentityErrorCode.AccountSuspended, 'This account is suspended');

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly accountService: AccountService,
    private readonly accounts: AccountRepository,
    private readonly sessions: SessionRepository,
    private readonly passwords: PasswordService,
    private readonly tokens: TokenService,
    private readonly rateLimiter: RateLimiterService,
    private readonly config: ConfigService,
  ) {}

  private limit(name: 'loginPerIp' | 'loginFailuresPerAccount' | 'signUpPerIp'): Limit {
    const max = this.config.values.rateLimits[name];
    const windowSeconds = { loginPerIp: 300, loginFailuresPerAccount: 900, signUpPerIp: 3600 }[name];
    return { max, windowSeconds };
  }

  private async enforce(key: string, limit: Limit, consume: boolean): Promise<void> {
    const verdict = consume ? await this.rateLimiter.hit(key, limit) : await this.rateLimiter.check(key, limit);
    if (!verdict.allowed) {
      throw new IdentityException(IdentityErrorCode.RateLimited, 'Too many attempts; try again later', {
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
    }
  }

  async signUp(
    input: { username: string; email: string; password: string; displayName?: string | null },
    client: ClientInfo,
  ): Promise<IssuedSession> {
    await this.enforce(`signup:ip:${client.ip}`, this.limit('signUpPerIp'), true);
    const { account, user } = await this.accountService.createLocal(input);
    return this.openSession(user.id, account, client);
  }

  /**
   * Checks a log-in. Wrong username and wrong password read the same (and cost the same time);
   * attempts are limited per client address, failures per account.
   */
  async verifyCredentials(login: string, password: string, client: ClientInfo) {
    const normalized = login.trim().toLowerCase();
    await this.enforce(`login:ip:${client.ip}`, this.limit('loginPerIp'), true);
    const accountKey = `login:account:${normalized}`;
    const failures = this.limit('loginFailuresPerAccount');
    await this.enforce(accountKey, failures, false);
    const user = await this.accounts.findUserByLogin(normalized);
    const valid = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !valid) {
      await this.rateLimiter.hit(accountKey, failures);
      this.logger.warn({ msg: 'failed log-in', ip: client.ip, known: Boolean(user) });
      throw new IdentityException(IdentityErrorCode.InvalidCredentials, WRONG_CREDENTIALS);
    }
    await this.rateLimiter.reset(accountKey);
    // Said only to whoever knows the password.
    if (user.account.suspendedAt) throw suspended();
    return user;
  }

  /** Opens a session for a user whose credentials were verified (by passport-local). */
  openSessionFor(user: UserEntity, client: ClientInfo): Promise<IssuedSession> {
    return this.openSession(user.id, user.account, client);
  }

  private async openSession(userId: string, account: AccountEntity, client: ClientInfo): Promise<IssuedSession> {
    const refresh = this.tokens.newRefreshToken();
    const session = await this.sessions.create({
      userId,
      refreshTokenHash: refresh.hash,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 500) ?? null,
      expiresAt: refresh.expiresAt,
    });
    const access = await this.tokens.issueAccessToken({ sub: account.id, sid: session.id });
    return { token: access.token, expiresAt: access.expiresAt, refreshToken: refresh.token, account };
  }

  /** Trades a refresh token for a new access token and a new refresh token (rotation). */
  async refresh(refreshToken: string): Promise<IssuedSession> {
    const next = this.tokens.newRefreshToken();
    const session = await this.sessions.rotate(this.tokens.hashRefreshToken(refreshToken), next.hash, next.expiresAt);
    if (!session) {
      throw new IdentityException(IdentityErrorCode.SessionRevoked, 'The session has ended; log in again');
    }
    const user = await this.accounts.findUserById(session.userId);
    if (!user) throw new IdentityException(IdentityErrorCode.SessionRevoked, 'The session has ended; log in again');
    if (user.account.suspendedAt) throw suspended();
    const access = await this.tokens.issueAccessToken({ sub: user.accountId, sid: session.id });
    return { token: access.token, expiresAt: access.expiresAt, refreshToken: next.token, account: user.account };
  }

  logOut(auth: AuthContext): Promise<boolean> {
    return this.sessions.revoke(auth.sessionId);
  }

  logOutEverywhere(auth: AuthContext): Promise<number> {
    return this.sessions.revokeAllForUser(auth.userId);
  }

  /** Ends every session of a local account (it was suspended); returns how many. */
  endSessionsOfAccount(accountId: string): Promise<number> {
    return this.sessions.revokeAllForAccount(accountId);
  }

  /** Resolves a verified access token to who is acting, or refuses a revoked session or a suspended account. */
  async authenticate(claims: AccessTokenClaims): Promise<AuthContext> {
    const session = await this.sessions.findActive(claims.sid);
    if (!session || session.accountId !== claims.sub) {
      throw new IdentityException(IdentityErrorCode.SessionRevoked, 'The session has ended; log in again');
    }
    if (session.suspended) throw suspended();
    const { sessionId, userId, accountId, role } = session;
    return { sessionId, userId, accountId, role };
  }
}
