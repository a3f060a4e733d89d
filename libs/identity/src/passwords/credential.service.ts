import { Injectable, Logger } from '@nestjs/common';
import { ConfigService, RateLimiterService } from '@guildhall/core';
import type { AccountEntity } from '../accounts/account.entity';
import { AccountRepository } from '../accounts/account.repository';
import { AccountService } from '../accounts/account.service';
import type { AuthContext } from '../auth/auth-context';
import { AuthService, type ClientInfo } from '../auth/auth.service';
import { rateLimited } from '../auth/login-throttle.service';
import { PasswordService } from '../auth/password.service';
import { TokenService } from '../auth/token.service';
import { IdentityErrorCode, IdentityException } from '../identity.exception';
import { CredentialRepository, type ResetRefusal } from './credential.repository';

export interface IssuedReset {
  token: string;
  expiresAt: Date;
  account: AccountEntity;
}

const REFUSALS: Record<ResetRefusal, IdentityException> = {
  unknown: new IdentityException(IdentityErrorCode.ResetTokenInvalid, 'That password reset token is not valid'),
  expired: new IdentityException(
    IdentityErrorCode.ResetTokenExpired,
    'That password reset token has expired; ask a steward for a new one',
  ),
  used: new IdentityException(
    IdentityErrorCode.ResetTokenUsed,
    'That password reset token was already used, or replaced by a newer one',
  ),
};

/**
 * Changing a password (knowing the current one) and resetting it with a one-time token a steward
 * issued — there is no email delivery to send a link (ADR 0021). Either sets the new password
 * with the sign-up policy and ends the sessions that the old one opened.
 */
@Injectable()
export class CredentialService {
  private readonly logger = new Logger(CredentialService.name);

  constructor(
    private readonly credentials: CredentialRepository,
    private readonly accounts: AccountRepository,
    private readonly accountService: AccountService,
    private readonly auth: AuthService,
    private readonly passwords: PasswordService,
    private readonly tokens: TokenService,
    private readonly rateLimiter: RateLimiterService,
    private readonly config: ConfigService,
  ) {}

  /**
   * Sets a new password for the signed-in user. The session in use stays (its tokens keep
   * working); every other session ends. A wrong current password counts as a failed log-in.
   * Returns how many other sessions ended.
   */
  async changePassword(auth: AuthContext, current: string, next: string, client: ClientInfo): Promise<number> {
    const user = await this.accounts.findUserById(auth.userId);
    if (!user) throw new IdentityException(IdentityErrorCode.SessionRevoked, 'The session has ended; log in again');
    await this.auth.checkPassword(
      { userId: user.id, login: user.email },
      user.passwordHash,
      current,
      client,
      () => new IdentityException(IdentityErrorCode.WrongPassword, 'The current password is wrong'),
    );
    const ended = await this.credentials.setPassword(user.id, await this.passwords.hash(next), auth.sessionId);
    this.logger.log({ msg: 'password changed', accountId: auth.accountId, sessionsEnded: ended });
    return ended;
  }

  /**
   * Issues a one-time reset for a local account (an admin, or the operator's CLI when `issuedBy`
   * is null). Only its hash is stored; an earlier unused reset of the account stops working.
   */
  async issueReset(handle: string, issuedBy: AuthContext | null): Promise<IssuedReset> {
    const account = await this.accountService.findByHandle(handle.slice(0, 300), { resolveRemote: false });
    const user = account?.domain === null ? await this.accounts.findUserByAccountId(account.id) : null;
    if (!account || !user) {
      throw new IdentityException(IdentityErrorCode.AccountNotFound, 'No local account has that handle');
    }
    const reset = this.tokens.newPasswordResetToken();
    await this.credentials.issueReset({
      userId: user.id,
      accountId: account.id,
      handle: `@${account.username}`,
      tokenHash: reset.hash,
      expiresAt: reset.expiresAt,
      issuedByAccountId: issuedBy?.accountId ?? null,
    });
    this.logger.log({ msg: 'password reset issued', accountId: account.id, issuedBy: issuedBy?.accountId ?? 'cli' });
    return { token: reset.token, expiresAt: reset.expiresAt, account };
  }

  /** Consumes a reset token: the new password is set and every session of the account ends. */
  async resetPassword(token: string, next: string, client: ClientInfo): Promise<void> {
    const limit = { max: this.config.values.rateLimits.loginPerIp, windowSeconds: 300 };
    const verdict = await this.rateLimiter.hit(`password-reset:ip:${client.ip}`, limit);
    if (!verdict.allowed) throw rateLimited(verdict.retryAfterSeconds);
    // Hashed before the transaction: argon2 takes ~25 ms that no row lock should wait for.
    const passwordHash = await this.passwords.hash(next);
    const result = await this.credentials.consumeReset(this.tokens.hashToken(token), passwordHash);
    if ('refused' in result) {
      this.logger.warn({ msg: 'password reset refused', ip: client.ip, why: result.refused });
      throw REFUSALS[result.refused];
    }
    this.logger.log({ msg: 'password reset', userId: result.userId, sessionsEnded: result.sessionsEnded });
  }
}
