import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { BoundedMap, ConfigService } from '@guildhall/core';
import { PASSWORD_RESET_TTL_MINUTES } from '../identity.constants';

/** What an access token says: the account, and the session that must still be live. */
export interface AccessTokenClaims {
  sub: string;
  sid: string;
}

/**
 * How many verified access tokens a process remembers (ADR 0068). A client sends the same token
 * with every request, and checking its HMAC signature and claims was 3% of a timeline request's
 * CPU; the session behind it is still checked on every request (revocation is never cached here).
 */
const VERIFIED_TOKENS = 10_000;

@Injectable()
export class TokenService {
  /** Token text → its claims and when it expires (ms): only tokens that passed every check. */
  private readonly verified = new BoundedMap<string, { claims: AccessTokenClaims; expiresAtMs: number }>(
    VERIFIED_TOKENS,
  );

  constructor(
    private readonly jwt: JwtService,
    private readonly config: ConfigService,
  ) {}

  async issueAccessToken(claims: AccessTokenClaims): Promise<{ token: string; expiresAt: Date }> {
    const ttl = this.config.values.accessTokenTtlSeconds;
    const token = await this.jwt.signAsync({ ...claims }, { expiresIn: ttl });
    return { token, expiresAt: new Date(Date.now() + ttl * 1000) };
  }

  /** The claims of a valid, unexpired access token of this server (throws otherwise). */
  async verifyAccessToken(token: string): Promise<AccessTokenClaims> {
    const known = this.verified.get(token);
    if (known && Date.now() < known.expiresAtMs) return { ...known.claims };
    if (known) this.verified.delete(token);
    const origin = this.config.values.publicOrigin;
    const claims = await this.jwt.verifyAsync<AccessTokenClaims & { exp?: number }>(token, {
      algorithms: ['HS256'],
      issuer: origin,
      audience: origin,
    });
    const verified = { sub: claims.sub, sid: claims.sid };
    // Remembered until its `exp` (jsonwebtoken refuses it from that second on); one without
    // `exp` is not remembered. The oldest entry makes room.
    if (typeof claims.exp === 'number') {
      this.verified.set(token, { claims: verified, expiresAtMs: claims.exp * 1000 });
    }
    return { ...verified };
  }

  newRefreshToken(): { token: string; hash: string; expiresAt: Date } {
    return this.newOpaqueToken(this.config.values.refreshTokenTtlDays * 86_400_000);
  }

  /** A one-time password reset token, valid PASSWORD_RESET_TTL_MINUTES. */
  newPasswordResetToken(): { token: string; hash: string; expiresAt: Date } {
    return this.newOpaqueToken(PASSWORD_RESET_TTL_MINUTES * 60_000);
  }

  /** Opaque tokens (refresh, password reset) are stored only as this hash. */
  hashToken(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }

  private newOpaqueToken(ttlMs: number): { token: string; hash: string; expiresAt: Date } {
    const token = randomBytes(32).toString('base64url');
    return { token, hash: this.hashToken(token), expiresAt: new Date(Date.now() + ttlMs) };
  }
}
