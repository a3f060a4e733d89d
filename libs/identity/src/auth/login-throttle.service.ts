import { Injectable } from '@nestjs/common';
import { ConfigService, RateLimiterService, type Limit } from '@guildhall/core';
import { IdentityErrorCode, IdentityException } from '../identity.exception';
import { SessionRepository } from '../sessions/session.repository';

/** Whose password is being tried: a user we know, or a login that names no one (counted alike). */
export interface PasswordSubject {
  userId: string | null;
  /** The login as typed, normalised; the key when no user matched. */
  login: string;
}

const WINDOWS = { perAccountAndIp: 900, perIp: 3600, perAccount: 3600 } as const;

/**
 * Failed password checks (log-in, password change) are counted against whoever makes them:
 * per account and client address, and per address across accounts. So ten wrong passwords from
 * one address lock that address out of that account, not the member out of it (ADR 0021). A much
 * higher per-account count is a slow brake on guessing spread over many addresses; it never
 * stops an address the member has signed in from before.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly rateLimiter: RateLimiterService,
    private readonly sessions: SessionRepository,
    private readonly config: ConfigService,
  ) {}

  /** Refuses with RATE_LIMITED when this address may not try this subject's password now. */
  async assertAllowed(subject: PasswordSubject, ip: string): Promise<void> {
    const keys = this.keys(subject, ip);
    await this.refuseIfFull(keys.perIp, this.limit('perIp'));
    await this.refuseIfFull(keys.perAccountAndIp, this.limit('perAccountAndIp'));
    const brake = await this.rateLimiter.check(keys.perAccount, this.limit('perAccount'));
    if (brake.allowed) return;
    const known = subject.userId !== null && (await this.sessions.hasSignedInFrom(subject.userId, ip));
    if (!known) throw rateLimited(brake.retryAfterSeconds);
  }

  async recordFailure(subject: PasswordSubject, ip: string): Promise<void> {
    const keys = this.keys(subject, ip);
    await Promise.all([
      this.rateLimiter.hit(keys.perIp, this.limit('perIp')),
      this.rateLimiter.hit(keys.perAccountAndIp, this.limit('perAccountAndIp')),
      this.rateLimiter.hit(keys.perAccount, this.limit('perAccount')),
    ]);
  }

  /** The right password from this address: its count for the account starts again. */
  recordSuccess(subject: PasswordSubject, ip: string): Promise<void> {
    return this.rateLimiter.reset(this.keys(subject, ip).perAccountAndIp);
  }

  private keys(subject: PasswordSubject, ip: string) {
    const who = subject.userId ? `user:${subject.userId}` : `login:${subject.login}`;
    return {
      perAccountAndIp: `login:fail:${who}:ip:${ip}`,
      perIp: `login:fail:ip:${ip}`,
      perAccount: `login:fail:${who}`,
    };
  }

  private limit(name: keyof typeof WINDOWS): Limit {
    const limits = this.config.values.rateLimits;
    const max = {
      perAccountAndIp: limits.loginFailuresPerAccountAndIp,
      perIp: limits.loginFailuresPerIp,
      perAccount: limits.loginFailuresPerAccount,
    }[name];
    return { max, windowSeconds: WINDOWS[name] };
  }

  private async refuseIfFull(key: string, limit: Limit): Promise<void> {
    const verdict = await this.rateLimiter.check(key, limit);
    if (!verdict.allowed) throw rateLimited(verdict.retryAfterSeconds);
  }
}

export function rateLimited(retryAfterSeconds: number): IdentityException {
  return new IdentityException(IdentityErrorCode.RateLimited, 'Too many attempts; try again later', {
    retryAfterSeconds,
  });
}
