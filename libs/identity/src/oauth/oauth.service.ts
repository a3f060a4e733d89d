import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService, RateLimiterService } from '@guildhall/core';
import { AuthService, type ClientInfo } from '../auth/auth.service';
import { rateLimited } from '../auth/login-throttle.service';
import { TokenService } from '../auth/token.service';
import { OAUTH_CODE_TTL_SECONDS, OAUTH_OOB_REDIRECT } from '../identity.constants';
import { IdentityErrorCode, IdentityException } from '../identity.exception';
import { type AuthorizedApp, SessionRepository } from '../sessions/session.repository';
import type { OAuthApplicationEntity } from './oauth-application.entity';
import { parseScopes, scopesWithin } from './oauth-scopes';
import { OAuthRepository } from './oauth.repository';

export interface RegisterAppInput {
  name: string;
  website?: string | null;
  redirectUris: string[];
  scopes?: unknown;
}

export interface RegisteredApp {
  app: OAuthApplicationEntity;
  /** Shown once: only its hash is kept. */
  clientSecret: string;
}

export interface IssuedAppToken {
  accessToken: string;
  scopes: string[];
  createdAt: Date;
}

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  responseType: string;
  scope?: unknown;
  codeChallenge?: string | null;
  codeChallengeMethod?: string | null;
}

/** What the consent page shows: the app and what it asks for, checked. */
export interface CheckedAuthorization {
  app: OAuthApplicationEntity;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string | null;
}

const NAME_MAX = 200;
const URI_MAX = 2000;
const REDIRECT_URIS_MAX = 10;
/** Schemes a browser would run rather than navigate to: never a redirect target. */
const UNSAFE_SCHEMES = new Set(['javascript', 'data', 'vbscript', 'file', 'blob', 'about']);
const PKCE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

function invalid(code: IdentityErrorCode, message: string): IdentityException {
  return new IdentityException(code, message);
}

/** An absolute URI an app may be sent back to: https, http, or an app's own scheme; no fragment. */
export function isAcceptableRedirectUri(uri: string): boolean {
  if (uri === OAUTH_OOB_REDIRECT) return true;
  if (uri.length > URI_MAX) return false;
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return false;
  }
  const scheme = parsed.protocol.slice(0, -1).toLowerCase();
  return !UNSAFE_SCHEMES.has(scheme) && parsed.hash === '' && !/\s/.test(uri);
}

/**
 * OAuth 2 as Mastodon's client API has it: apps register themselves, members authorize them on
 * Guildhall's consent page (authorization code, PKCE S256) or give an app their password, and an
 * app may hold a token of its own (client credentials). Tokens are long-lived sessions of the
 * identity lib (SessionRepository), stored hashed and revocable, so every rule that ends a
 * session — log out everywhere, suspension, a password change — ends them too.
 */
@Injectable()
export class OAuthService {
  constructor(
    private readonly oauth: OAuthRepository,
    private readonly sessions: SessionRepository,
    private readonly tokens: TokenService,
    private readonly auth: AuthService,
    private readonly rateLimiter: RateLimiterService,
    private readonly config: ConfigService,
  ) {}

  /**
   * Anyone may register an app, so registrations from one address share sign-up's hourly
   * budget (RATE_LIMIT_SIGNUP_PER_IP): each one is a row that would otherwise cost nothing to make.
   */
  async registerApp(input: RegisterAppInput, client: ClientInfo): Promise<RegisteredApp> {
    const verdict = await this.rateLimiter.hit(`apps:ip:${client.ip}`, {
      max: this.config.values.rateLimits.signUpPerIp,
      windowSeconds: 3600,
    });
    if (!verdict.allowed) throw rateLimited(verdict.retryAfterSeconds);
    const name = input.name.trim();
    if (!name || name.length > NAME_MAX) {
      throw invalid(IdentityErrorCode.OAuthInvalidRequest, `client_name must be 1 to ${NAME_MAX} characters`);
    }
    const redirectUris = [...new Set(input.redirectUris.map((uri) => uri.trim()).filter(Boolean))];
    if (redirectUris.length === 0 || redirectUris.length > REDIRECT_URIS_MAX) {
      throw invalid(IdentityErrorCode.OAuthInvalidRedirectUri, 'redirect_uris must name 1 to 10 URIs');
    }
    const bad = redirectUris.find((uri) => !isAcceptableRedirectUri(uri));
    if (bad !== undefined) {
      throw invalid(
        IdentityErrorCode.OAuthInvalidRedirectUri,
        'redirect_uris must be absolute URIs without a fragment',
      );
    }
    const { scopes, unknown } = parseScopes(input.scopes);
    if (unknown.length) throw invalid(IdentityErrorCode.OAuthInvalidScope, `Unknown scope: ${unknown.join(' ')}`);
    const website = input.website?.trim() || null;
    if (website && (website.length > URI_MAX || !/^https?:\/\//i.test(website))) {
      throw invalid(IdentityErrorCode.OAuthInvalidRequest, 'website must be an http(s) URL');
    }
    const clientSecret = randomBytes(32).toString('base64url');
    const app = await this.oauth.createApp({
      name,
      website,
      redirectUris,
      scopes,
      clientId: randomBytes(32).toString('base64url'),
      clientSecretHash: this.tokens.hashToken(clientSecret),
    });
    return { app, clientSecret };
  }

  /** The app a client id names (InvalidClient when none). */
  async findApp(clientId: unknown): Promise<OAuthApplicationEntity> {
    const app = typeof clientId === 'string' && clientId ? await this.oauth.findAppByClientId(clientId) : null;
    if (!app) throw invalid(IdentityErrorCode.OAuthInvalidClient, 'Client authentication failed');
    return app;
  }

  findAppById(id: string): Promise<OAuthApplicationEntity | null> {
    return this.oauth.findAppById(id);
  }

  /** A confidential client: its id and secret must match. */
  async authenticateClient(clientId: unknown, clientSecret: unknown): Promise<OAuthApplicationEntity> {
    const app = await this.findApp(clientId);
    if (typeof clientSecret !== 'string' || !this.sameHash(app.clientSecretHash, clientSecret)) {
      throw invalid(IdentityErrorCode.OAuthInvalidClient, 'Client authentication failed');
    }
    return app;
  }

  /** Checks what `/oauth/authorize` was asked, before the consent page is shown or answered. */
  async checkAuthorization(request: AuthorizationRequest): Promise<CheckedAuthorization> {
    const app = await this.findApp(request.clientId);
    if (!app.redirectUris.includes(request.redirectUri)) {
      throw invalid(IdentityErrorCode.OAuthInvalidRedirectUri, 'The redirect URI is not one the app registered');
    }
    if (request.responseType !== 'code') {
      throw invalid(IdentityErrorCode.OAuthUnsupportedResponseType, 'Only response_type=code is supported');
    }
    const scopes = this.grantableScopes(app, request.scope);
    let codeChallenge: string | null = null;
    if (request.codeChallenge) {
      if ((request.codeChallengeMethod ?? 'plain') !== 'S256') {
        throw invalid(IdentityErrorCode.OAuthInvalidRequest, 'code_challenge_method must be S256');
      }
      if (!/^[A-Za-z0-9_-]{43}$/.test(request.codeChallenge)) {
        throw invalid(IdentityErrorCode.OAuthInvalidRequest, 'code_challenge must be a base64url SHA-256 digest');
      }
      codeChallenge = request.codeChallenge;
    }
    return { app, redirectUri: request.redirectUri, scopes, codeChallenge };
  }

  /** The member consented: a one-time code for the app. */
  async issueCode(userId: string, checked: CheckedAuthorization): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    await this.oauth.createCode({
      codeHash: this.tokens.hashToken(code),
      applicationId: checked.app.id,
      userId,
      redirectUri: checked.redirectUri,
      scopes: checked.scopes,
      codeChallenge: checked.codeChallenge,
      expiresAt: new Date(Date.now() + OAUTH_CODE_TTL_SECONDS * 1000),
    });
    return code;
  }

  /**
   * `grant_type=authorization_code`. A public client (no secret) must have used PKCE; a code
   * works once, only for the app, redirect URI and verifier it was issued for.
   */
  async exchangeCode(
    input: {
      clientId: unknown;
      clientSecret: unknown;
      code: unknown;
      redirectUri: unknown;
      codeVerifier: unknown;
    },
    client: ClientInfo,
  ): Promise<IssuedAppToken> {
    const app =
      input.clientSecret === undefined || input.clientSecret === ''
        ? await this.findApp(input.clientId)
        : await this.authenticateClient(input.clientId, input.clientSecret);
    const publicClient = input.clientSecret === undefined || input.clientSecret === '';
    const grantRefused = invalid(
      IdentityErrorCode.OAuthInvalidGrant,
      'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
    );
    if (typeof input.code !== 'string' || !input.code) throw grantRefused;
    const code = await this.oauth.spendCode(this.tokens.hashToken(input.code));
    if (!code || code.applicationId !== app.id) throw grantRefused;
    if (input.redirectUri !== undefined && input.redirectUri !== code.redirectUri) throw grantRefused;
    if (code.codeChallenge) {
      if (typeof input.codeVerifier !== 'string' || !PKCE_VERIFIER.test(input.codeVerifier)) throw grantRefused;
      const digest = createHash('sha256').update(input.codeVerifier).digest('base64url');
      if (!this.sameText(digest, code.codeChallenge)) throw grantRefused;
    } else if (publicClient) {
      throw invalid(IdentityErrorCode.OAuthInvalidClient, 'Client authentication failed');
    }
    return this.issueToken(app.id, code.userId, code.scopes, client);
  }

  /** `grant_type=password`: the member's email (or username) and password, throttled like logIn. */
  async passwordGrant(
    input: { clientId: unknown; clientSecret: unknown; username: unknown; password: unknown; scope: unknown },
    client: ClientInfo,
  ): Promise<IssuedAppToken> {
    const app = await this.authenticateClient(input.clientId, input.clientSecret);
    const scopes = this.grantableScopes(app, input.scope);
    if (typeof input.username !== 'string' || typeof input.password !== 'string') {
      throw invalid(IdentityErrorCode.OAuthInvalidRequest, 'username and password are required');
    }
    let userId: string;
    try {
      userId = (await this.auth.verifyCredentials(input.username, input.password, client)).id;
    } catch (error) {
      if (error instanceof IdentityException && error.reason === IdentityErrorCode.InvalidCredentials) {
        throw invalid(IdentityErrorCode.OAuthInvalidGrant, 'The username or password is wrong');
      }
      throw error;
    }
    return this.issueToken(app.id, userId, scopes, client);
  }

  /** `grant_type=client_credentials`: the app's own token (registration, verify_credentials). */
  async clientCredentials(
    input: { clientId: unknown; clientSecret: unknown; scope: unknown },
    client: ClientInfo,
  ): Promise<IssuedAppToken> {
    const app = await this.authenticateClient(input.clientId, input.clientSecret);
    return this.issueToken(app.id, null, this.grantableScopes(app, input.scope), client);
  }

  /**
   * A token for a member who just registered through an app (`POST /api/v1/accounts` with the
   * app's own token): the app's token's scopes, as Mastodon grants them.
   */
  issueTokenForUser(
    applicationId: string,
    userId: string,
    scopes: readonly string[],
    client: ClientInfo,
  ): Promise<IssuedAppToken> {
    return this.issueToken(applicationId, userId, [...scopes], client);
  }

  /** `POST /oauth/revoke`: revokes a token of this app; an unknown token is not an error (RFC 7009). */
  async revoke(input: { clientId: unknown; clientSecret: unknown; token: unknown }): Promise<void> {
    const app = await this.authenticateClient(input.clientId, input.clientSecret);
    if (typeof input.token !== 'string' || !input.token) {
      throw invalid(IdentityErrorCode.OAuthInvalidRequest, 'token is required');
    }
    await this.sessions.revokeAppToken(this.tokens.hashToken(input.token), app.id);
  }

  listAuthorizedApps(userId: string): Promise<AuthorizedApp[]> {
    return this.sessions.listAuthorizedApps(userId);
  }

  /** A member withdraws an app's access: every token they gave it stops working at once. */
  revokeApp(userId: string, applicationId: string): Promise<number> {
    return this.sessions.revokeAppForUser(userId, applicationId);
  }

  private grantableScopes(app: OAuthApplicationEntity, requested: unknown): string[] {
    const { scopes, unknown } = parseScopes(requested, app.scopes);
    if (unknown.length || !scopesWithin(scopes, app.scopes)) {
      throw invalid(IdentityErrorCode.OAuthInvalidScope, 'The requested scope is invalid, unknown, or malformed.');
    }
    return scopes;
  }

  private async issueToken(
    applicationId: string,
    userId: string | null,
    scopes: string[],
    client: ClientInfo,
  ): Promise<IssuedAppToken> {
    const accessToken = randomBytes(32).toString('base64url');
    const session = await this.sessions.createAppSession({
      userId,
      applicationId,
      accessTokenHash: this.tokens.hashToken(accessToken),
      scopes,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 500) ?? null,
    });
    return { accessToken, scopes, createdAt: session.createdAt };
  }

  private sameHash(storedHash: string, secret: string): boolean {
    return this.sameText(storedHash, this.tokens.hashToken(secret));
  }

  private sameText(a: string, b: string): boolean {
    const left = Buffer.from(a);
    const right = Buffer.from(b);
    return left.length === right.length && timingSafeEqual(left, right);
  }
}
