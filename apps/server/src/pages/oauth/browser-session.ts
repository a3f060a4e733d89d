import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import {
  type AccountEntity,
  AccountRepository,
  type AuthContext,
  AuthService,
  type ClientInfo,
  type IssuedSession,
} from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';

const SESSION_COOKIE = 'guildhall_session';
const CSRF_COOKIE = 'guildhall_csrf';
/** Base64url never contains it: the cookie holds `accessToken~refreshToken`. */
const SEPARATOR = '~';
const COOKIE_VALUE = /^[A-Za-z0-9._~-]{1,4096}$/;

export interface SignedIn {
  auth: AuthContext;
  account: AccountEntity;
}

/** The browser that asked: who is signed in (if anyone) and the CSRF token its forms must carry. */
export interface Visitor {
  signedIn: SignedIn | null;
  /** For forms posted while signed in: bound to the session. */
  sessionCsrf: string | null;
  /** For the sign-in and sign-up forms: bound to the browser's random CSRF cookie. */
  anonymousCsrf: string;
}

export function clientInfo(request: FastifyRequest): ClientInfo {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent : null };
}

function readCookies(request: FastifyRequest): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 1) continue;
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (COOKIE_VALUE.test(value) && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The OAuth pages' browser session: a first-party identity session (AuthService, the same one
 * GraphQL `logIn` opens) whose access and refresh tokens ride in an HttpOnly, SameSite=Lax cookie
 * (Secure on an https origin). An expired access token is traded with the identity lib's refresh
 * rotation; a revoked session reads as signed out. Forms carry an HMAC token bound to the session
 * (or, before sign-in, to a random cookie), and POSTs must come from this origin.
 */
@Injectable()
export class BrowserSessions {
  private readonly logger = new Logger(BrowserSessions.name);
  private readonly csrfKey: Buffer;

  constructor(
    private readonly auth: AuthService,
    private readonly accounts: AccountRepository,
    private readonly config: ConfigService,
  ) {
    this.csrfKey = createHmac('sha256', config.jwtSecret).update('guildhall oauth pages csrf').digest();
  }

  private get secure(): boolean {
    return this.config.values.publicOrigin.startsWith('https:');
  }

  private setCookie(reply: FastifyReply, name: string, value: string, maxAgeSeconds: number): void {
    const attributes = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSeconds}`];
    if (this.secure) attributes.push('Secure');
    // Fastify appends to set-cookie rather than replacing it.
    void reply.header('set-cookie', attributes.join('; '));
  }

  private csrfFor(binding: string): string {
    return createHmac('sha256', this.csrfKey).update(binding).digest('base64url');
  }

  /** Reads the cookies; refreshes an expired session (setting the new cookie) and sets a CSRF cookie if missing. */
  async visitor(request: FastifyRequest, reply: FastifyReply): Promise<Visitor> {
    const cookies = readCookies(request);
    let nonce = cookies.get(CSRF_COOKIE);
    if (!nonce) {
      nonce = randomBytes(24).toString('base64url');
      this.setCookie(reply, CSRF_COOKIE, nonce, 60 * 60 * 24 * 365);
    }
    const signedIn = await this.resolve(cookies.get(SESSION_COOKIE), reply);
    return {
      signedIn,
      sessionCsrf: signedIn ? this.csrfFor(`session:${signedIn.auth.sessionId}`) : null,
      anonymousCsrf: this.csrfFor(`browser:${nonce}`),
    };
  }

  private async resolve(cookie: string | undefined, reply: FastifyReply): Promise<SignedIn | null> {
    if (!cookie) return null;
    const [accessToken, refreshToken] = cookie.split(SEPARATOR);
    if (!accessToken || !refreshToken) return this.signedOut(reply);
    try {
      return await this.signedInWith(accessToken);
    } catch {
      // Expired (or revoked): the refresh token may still be good; rotation catches a stolen copy.
      try {
        const renewed = await this.auth.refresh(refreshToken);
        this.remember(reply, renewed);
        return await this.signedInWith(renewed.token);
      } catch {
        return this.signedOut(reply);
      }
    }
  }

  private async signedInWith(accessToken: string): Promise<SignedIn> {
    const auth = await this.auth.authenticateSessionToken(accessToken);
    const account = await this.accounts.findById(auth.accountId);
    if (!account) throw new Error('account of a live session is missing');
    return { auth, account };
  }

  private signedOut(reply: FastifyReply): null {
    this.setCookie(reply, SESSION_COOKIE, '', 0);
    return null;
  }

  /** Sets the session cookie for a session just opened (sign-in, sign-up) or refreshed. */
  remember(reply: FastifyReply, session: IssuedSession): void {
    const maxAge = this.config.values.refreshTokenTtlDays * 86_400;
    this.setCookie(reply, SESSION_COOKIE, `${session.token}${SEPARATOR}${session.refreshToken}`, maxAge);
  }

  /** Ends the session (it is revoked, not only forgotten) and clears the cookie. */
  async signOut(reply: FastifyReply, signedIn: SignedIn | null): Promise<void> {
    if (signedIn) {
      await this.auth.logOut(signedIn.auth);
      this.logger.log({ msg: 'browser session ended', sessionId: signedIn.auth.sessionId });
    }
    this.signedOut(reply);
  }

  /**
   * Whether a POST is this origin's own form: the Origin header (or, without one, the Referer)
   * names this origin, and the token matches the visitor's session or, for `anonymous` forms,
   * its browser cookie.
   */
  acceptsPost(request: FastifyRequest, visitor: Visitor, token: unknown, form: 'session' | 'anonymous'): boolean {
    const origin = this.config.values.publicOrigin;
    const claimed = request.headers.origin;
    if (typeof claimed === 'string') {
      if (claimed !== origin) return false;
    } else {
      const referer = request.headers.referer;
      if (typeof referer !== 'string' || !referer.startsWith(`${origin}/`)) return false;
    }
    const expected = form === 'session' ? visitor.sessionCsrf : visitor.anonymousCsrf;
    return typeof token === 'string' && expected !== null && sameText(token, expected);
  }
}
