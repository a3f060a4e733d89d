import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ConfigService } from '@guildhall/core';
import { PASSWORD_RESET_TTL_MINUTES } from '../identity.constants';

/** What an access token says: the account, and the session that must still be live. */
export interface AccessTokenClaims {
  sub: string;
  sid: string;
}

@Injectable()
export class TokenService {
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
    const origin = this.config.values.publicOrigin;
    const claims = await this.jwt.verifyAsync<AccessTokenClaims>(token, {
      algorithms: ['HS256'],
      issuer: origin,
      audience: origin,
    });
    return { sub: claims.sub, sid: claims.sid };
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
