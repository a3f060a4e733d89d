import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { OAuthApplicationEntity } from './oauth-application.entity';
import { OAuthAuthorizationCodeEntity } from './oauth-authorization-code.entity';

@Injectable()
export class OAuthRepository {
  constructor(
    @InjectRepository(OAuthApplicationEntity) private readonly apps: Repository<OAuthApplicationEntity>,
    @InjectRepository(OAuthAuthorizationCodeEntity) private readonly codes: Repository<OAuthAuthorizationCodeEntity>,
  ) {}

  createApp(app: Omit<OAuthApplicationEntity, 'id' | 'createdAt'>): Promise<OAuthApplicationEntity> {
    return this.apps.save(this.apps.create(app));
  }

  findAppByClientId(clientId: string): Promise<OAuthApplicationEntity | null> {
    return this.apps.findOneBy({ clientId });
  }

  findAppById(id: string): Promise<OAuthApplicationEntity | null> {
    return this.apps.findOneBy({ id });
  }

  createCode(code: Omit<OAuthAuthorizationCodeEntity, 'id' | 'createdAt' | 'usedAt'>): Promise<unknown> {
    return this.codes.insert({ ...code, usedAt: null });
  }

  /**
   * Marks a live code used and returns it, in one statement: a code works exactly once even when
   * two requests race with it.
   */
  async spendCode(codeHash: string): Promise<OAuthAuthorizationCodeEntity | null> {
    const [rows] = await this.codes.query<[Record<string, unknown>[], number]>(
      `UPDATE oauth_authorization_codes SET used_at = now()
       WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now()
       RETURNING id, application_id, user_id, redirect_uri, scopes, code_challenge, expires_at`,
      [codeHash],
    );
    const row = rows[0];
    if (!row) return null;
    return this.codes.create({
      id: row.id as string,
      codeHash,
      applicationId: row.application_id as string,
      userId: row.user_id as string,
      redirectUri: row.redirect_uri as string,
      scopes: row.scopes as string[],
      codeChallenge: row.code_challenge as string | null,
      expiresAt: row.expires_at as Date,
    });
  }

  /** Forgets codes that expired before `before`; returns how many. */
  async deleteCodesExpiredBefore(before: Date): Promise<number> {
    const result = await this.codes.createQueryBuilder().delete().where('expires_at < :before', { before }).execute();
    return result.affected ?? 0;
  }
}
