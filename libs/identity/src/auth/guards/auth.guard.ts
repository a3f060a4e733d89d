import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Role } from '../../identity.constants';
import { IdentityErrorCode, IdentityException } from '../../identity.exception';
import { scopeAllows } from '../../oauth/oauth-scopes';
import type { AppAuthContext, AuthContext } from '../auth-context';
import { AuthService } from '../auth.service';
import { IS_PUBLIC } from '../decorators/public.decorator';
import { requestOf } from '../decorators/current-auth.decorator';
import { REQUIRED_ROLES } from '../decorators/roles.decorator';

/** A JWT (first-party session) has three dot-separated parts; an OAuth app's token is opaque. */
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

type Verdict = { user: AuthContext } | { app: AppAuthContext };

/** "<scheme> <value>" as passport-jwt's fromAuthHeaderAsBearerToken read it: the value when the scheme is Bearer. */
function bearerValue(header: string): string | undefined {
  const match = /(\S+)\s+(\S+)/.exec(header);
  return match && match[1].toLowerCase() === 'bearer' ? match[2] : undefined;
}

const unauthenticated = () =>
  new IdentityException(IdentityErrorCode.Unauthenticated, 'A valid bearer token is required');

/**
 * The global guard (APP_GUARD): default-deny. A handler needs a valid bearer token unless it is
 * @Public(); a bad token is refused even on a public handler, so a client never mistakes a
 * revoked session for an anonymous read. @Roles() narrows further.
 *
 * Two kinds of bearer token reach the same sessions: a first-party session's JWT (GraphQL
 * `logIn`), and an OAuth app's opaque token (the Mastodon client API), which carries scopes;
 * AuthService.authenticateBearer decides both (graphql-ws and the streaming server ask it too,
 * ADR 0040).
 * An app's own token (`client_credentials`, no member) is set as `request.oauthApp` and passes
 * only public handlers. On GraphQL an app's token needs `read` for queries and `write` for
 * mutations; REST routes check their own scopes (the Mastodon API's ScopeGuard).
 *
 * Bearer tokens are checked here without passport (ADR 0053: the same checks passport-jwt made,
 * a fraction of the cost); passport stays for log-in and graphql-ws. A request is authenticated
 * once however many of its resolvers the guard runs for.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly verdicts = new WeakMap<object, Promise<Verdict>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ?? false;
    const request = requestOf(context);
    const header = request.headers.authorization;
    if (isPublic && !header) return true;
    let verdict = this.verdicts.get(request);
    if (!verdict) {
      verdict = this.verify(header);
      this.verdicts.set(request, verdict);
    }
    const found = await verdict;
    if ('app' in found) {
      request.oauthApp = found.app;
      if (isPublic) return true;
      throw new IdentityException(IdentityErrorCode.Unauthenticated, 'This method requires an authenticated user');
    }
    request.user = found.user;
    if (found.user.scopes !== null) this.checkGraphqlScope(context, found.user);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles?.length && !roles.includes(found.user.role)) {
      throw new IdentityException(IdentityErrorCode.Forbidden, 'You are not allowed to do that');
    }
    return true;
  }

  /** Who the Authorization header says is calling, or a refusal. */
  private async verify(header: unknown): Promise<Verdict> {
    const strict = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    if (strict && !JWT_SHAPE.test(strict)) return this.auth.authenticateAccessToken(strict);
    const token = typeof header === 'string' ? bearerValue(header) : undefined;
    if (!token) throw unauthenticated();
    try {
      return { user: await this.auth.authenticateBearerJwt(token) };
    } catch (error) {
      // As under passport: what is not a refusal of ours (a failed lookup) reads as no valid token.
      if (error instanceof IdentityException) throw error;
      throw unauthenticated();
    }
  }

  private checkGraphqlScope(context: ExecutionContext, user: AuthContext): void {
    if (context.getType<string>() !== 'graphql') return;
    const operation = GqlExecutionContext.create(context).getInfo<{ operation: { operation: string } }>().operation
      .operation;
    const needed = operation === 'mutation' ? 'write' : 'read';
    if (!scopeAllows(user.scopes, needed)) {
      throw new IdentityException(
        IdentityErrorCode.InsufficientScope,
        `This action is outside the authorized scopes (${needed} is needed)`,
      );
    }
  }
}
