import { Injectable, Logger } from '@nestjs/common';
import { ConfigService, RateLimiterService, type Limit, UUID_PATTERN } from '@guildhall/core';
import type { AccountEntity } from '../accounts/account.entity';
import { AccountRepository } from '../accounts/account.repository';
import { AccountService } from '../accounts/account.service';
import type { UserEntity } from '../accounts/user.entity';
import { IdentityErrorCode, IdentityException } from '../identity.exception';
import { SessionCache } from '../sessions/session-cache';
import { type ActiveSession, SessionRepository, type SessionView } from '../sessions/session.repository';
import type { AppAuthContext, AuthContext } from './auth-context';
import { LoginThrottle, rateLimited, type PasswordSubject } from './login-throttle.service';
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

/** A JWT (first-party session) has three dot-separated parts; an OAuth app's token is opaque. */
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

const WRONG_CREDENTIALS = 'Wrong username, email or password';

/** Sessions are managed by the member in person (a browser or GraphQL client), never by an authorized app. */
function firstPartyOnly(auth: AuthContext): void {
  if (auth.applicationId !== null) {
    throw new IdentityException(IdentityErrorCode.Forbidden, 'Apps cannot see or end your sessions');
  }
}

const suspended = () => new IdentityException(IdentityErrorCode.AccountSuspended, 'This account is suspended');

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly accountService: AccountService,
    private readonly accounts: AccountRepository,
    private readonly sessions: SessionRepository,
    private readonly sessionCache: SessionCache,
    private readonly passwords: PasswordService,
    private readonly tokens: TokenService,
    private readonly rateLimiter: RateLimiterService,
    private readonly throttle: LoginThrottle,
    private readonly config: ConfigService,
  ) {}

  private async enforce(key: string, limit: Limit): Promise<void> {
    const verdict = await this.rateLimiter.hit(key, limit);
    if (!verdict.allowed) throw rateLimited(verdict.retryAfterSeconds);
  }

  private perIp(name: 'loginPerIp' | 'signUpPerIp'): Limit {
    return { max: this.config.values.rateLimits[name], windowSeconds: name === 'loginPerIp' ? 300 : 3600 };
  }

  async signUp(
    input: { username: string; email: string; password: string; displayName?: string | null },
    client: ClientInfo,
  ): Promise<IssuedSession> {
    const { account, user } = await this.register(input, client);
    return this.openSession(user.id, account, client);
  }

  /**
   * The sign-up rules without a session: rate limited per client address, and an email address
   * already registered here reads the same as a taken username (an app's registration, the
   * Mastodon API's `POST /api/v1/accounts`, then issues its own token).
   */
  async register(
    input: { username: string; email: string; password: string; displayName?: string | null },
    client: ClientInfo,
  ): Promise<{ account: AccountEntity; user: UserEntity }> {
    await this.enforce(`signup:ip:${client.ip}`, this.perIp('signUpPerIp'));
    try {
      return await this.accountService.createLocal(input);
    } catch (error) {
      // Usernames are public; whether an email address is registered here is not (ADR 0021).
      if (error instanceof IdentityException && error.reason === IdentityErrorCode.EmailTaken) {
        throw new IdentityException(
          IdentityErrorCode.SignUpRefused,
          'This username or email address cannot be used to sign up',
        );
      }
      throw error;
    }
  }

  /**
   * Checks a log-in. Wrong username and wrong password read the same (and cost the same time);
   * attempts are limited per client address, failures per account and address (LoginThrottle).
   */
  async verifyCredentials(login: string, password: string, client: ClientInfo) {
    const normalized = login.trim().toLowerCase();
    await this.enforce(`login:ip:${client.ip}`, this.perIp('loginPerIp'));
    const user = await this.accounts.findUserByLogin(normalized);
    await this.checkPassword({ userId: user?.id ?? null, login: normalized }, user?.passwordHash, password, client);
    if (!user) throw new IdentityException(IdentityErrorCode.InvalidCredentials, WRONG_CREDENTIALS);
    // Said only to whoever knows the password.
    if (user.account.suspendedAt) throw suspended();
    return user;
  }

  /**
   * The one password check (log-in, password change): throttled per account and address,
   * InvalidCredentials (or `wrong`) when the password does not match.
   */
  async checkPassword(
    subject: PasswordSubject,
    hash: string | undefined,
    password: string,
    client: ClientInfo,
    wrong = () => new IdentityException(IdentityErrorCode.InvalidCredentials, WRONG_CREDENTIALS),
  ): Promise<void> {
    await this.throttle.assertAllowed(subject, client.ip);
    const valid = await this.passwords.verify(hash, password);
    if (!valid || !subject.userId) {
      await this.throttle.recordFailure(subject, client.ip);
      this.logger.warn({ msg: 'wrong password', ip: client.ip, userId: subject.userId });
      throw wrong();
    }
    await this.throttle.recordSuccess(subject, client.ip);
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

  /**
   * Trades a refresh token for a new access token and a new refresh token (rotation). A refresh
   * token already traded is a stolen copy or a stolen original: its whole session is revoked, so
   * neither the thief nor the member keeps its tokens (RFC 6749 §10.4; OAuth 2.1's rotation).
   */
  async refresh(refreshToken: string): Promise<IssuedSession> {
    const next = this.tokens.newRefreshToken();
    const presented = this.tokens.hashToken(refreshToken);
    const session = await this.sessions.rotate(presented, next.hash, next.expiresAt);
    if (!session) {
      const reused = await this.sessions.revokeForSpentToken(presented);
      if (reused) this.logger.warn({ msg: 'spent refresh token presented; session revoked', sessionId: reused });
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

  /** The member's signed-in browsers and GraphQL clients (not apps), last used first. */
  listSessions(auth: AuthContext): Promise<SessionView[]> {
    firstPartyOnly(auth);
    return this.sessions.listForUser(auth.userId);
  }

  /**
   * Ends one of the member's own sessions. Any other id — another member's session, an app's
   * token, one already ended, not an id at all — is SessionNotFound, and nothing changes.
   */
  async endSession(auth: AuthContext, sessionId: string): Promise<void> {
    firstPartyOnly(auth);
    const ended = UUID_PATTERN.test(sessionId) && (await this.sessions.revokeOwn(auth.userId, sessionId));
    if (!ended) throw new IdentityException(IdentityErrorCode.SessionNotFound, 'You have no such session');
    this.logger.log({ msg: 'session ended by its member', accountId: auth.accountId, sessionId });
  }

  /** Ends every other session of the member (this one stays; authorized apps keep their access). */
  async logOutOthers(auth: AuthContext): Promise<number> {
    firstPartyOnly(auth);
    const ended = await this.sessions.revokeOthers(auth.userId, auth.sessionId);
    this.logger.log({ msg: 'other sessions ended', accountId: auth.accountId, sessionsEnded: ended });
    return ended;
  }

  /** Of `sessionIds`, those still live (a revoked or expired session's push subscription is void). */
  liveSessionIds(sessionIds: readonly string[]): Promise<string[]> {
    return this.sessions.liveIds(sessionIds);
  }

  /** Ends every session of a local account (it was suspended); returns how many. */
  endSessionsOfAccount(accountId: string): Promise<number> {
    return this.sessions.revokeAllForAccount(accountId);
  }

  /** Resolves a verified access token to who is acting, or refuses a revoked session or a suspended account. */
  async authenticate(claims: AccessTokenClaims): Promise<AuthContext> {
    // Every bearer request comes here: the session is remembered briefly (ADR 0053).
    const session = await this.sessionCache.bySessionId(claims.sid, () => this.sessions.findActive(claims.sid));
    if (!session || session.accountId !== claims.sub) {
      throw new IdentityException(IdentityErrorCode.SessionRevoked, 'The session has ended; log in again');
    }
    return this.toContext(session);
  }

  /**
   * A first-party session's bearer JWT (the AuthGuard's hot path, without passport): signature,
   * algorithm, issuer, audience and expiry as passport-jwt checked them, then the live session.
   * A token that does not verify is Unauthenticated (saying so when it merely expired).
   */
  async authenticateBearerJwt(token: string): Promise<AuthContext> {
    let claims: AccessTokenClaims;
    try {
      claims = await this.tokens.verifyAccessToken(token);
    } catch (error) {
      const expired = error instanceof Error && error.name === 'TokenExpiredError';
      throw new IdentityException(
        IdentityErrorCode.Unauthenticated,
        expired ? 'The access token has expired' : 'A valid bearer token is required',
      );
    }
    return this.authenticate(claims);
  }

  /**
   * A first-party session's access token carried outside an Authorization header (the browser
   * session cookie of the OAuth pages): the same checks as the bearer JWT, or SessionRevoked.
   */
  async authenticateSessionToken(token: string): Promise<AuthContext> {
    let claims: AccessTokenClaims;
    try {
      claims = await this.tokens.verifyAccessToken(token);
    } catch {
      throw new IdentityException(IdentityErrorCode.SessionRevoked, 'The session has ended; log in again');
    }
    return this.authenticate(claims);
  }

  /**
   * A bearer token of either kind — the one decision every entry point shares (the AuthGuard for
   * HTTP and GraphQL, graphql-ws, the Mastodon streaming server): a first-party session's JWT
   * (authenticateBearerJwt: signature, algorithm, issuer, audience, expiry, then the live
   * session), or an OAuth app's opaque token. Refuses with Unauthenticated, SessionRevoked or AccountSuspended.
   */
  async authenticateBearer(token: string): Promise<{ user: AuthContext } | { app: AppAuthContext }> {
    if (!JWT_SHAPE.test(token)) return this.authenticateAccessToken(token);
    return { user: await this.authenticateBearerJwt(token) };
  }

  /**
   * An OAuth app's opaque token: the member it acts for (with its scopes), or, for an app's own
   * token, `{ app }`. A revoked or unknown token is refused.
   */
  async authenticateAccessToken(token: string): Promise<{ user: AuthContext } | { app: AppAuthContext }> {
    const hash = this.tokens.hashToken(token);
    const session = await this.sessionCache.byTokenHash(hash, () => this.sessions.findActiveByAccessToken(hash));
    if (session) return { user: this.toContext(session) };
    const app = await this.sessions.findAppOnly(hash);
    if (app) return { app };
    throw new IdentityException(IdentityErrorCode.SessionRevoked, 'The access token is invalid');
  }

  private toContext(session: ActiveSession): AuthContext {
    if (session.suspended) throw suspended();
    const { sessionId, userId, accountId, role, scopes, applicationId } = session;
    return { sessionId, userId, accountId, role, scopes, applicationId };
  }
}
