import { type CanActivate, type ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AuthContext, scopeAllows } from '@guildhall/identity';
import { MastodonException } from './mastodon.exception';
import { REQUIRED_SCOPE } from './scopes.decorator';

/**
 * Runs after the global AuthGuard (which has resolved the token): a route with @Scope() needs a
 * member's token that holds the scope. Routes without @Scope() must be @Public().
 */
@Injectable()
export class ScopeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const scope = this.reflector.getAllAndOverride<string | undefined>(REQUIRED_SCOPE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!scope) return true;
    const user = context.switchToHttp().getRequest<{ user?: AuthContext }>().user;
    if (!user) throw new MastodonException(HttpStatus.UNAUTHORIZED, 'The access token is invalid');
    if (!scopeAllows(user.scopes, scope)) {
      throw new MastodonException(HttpStatus.FORBIDDEN, 'This action is outside the authorized scopes');
    }
    return true;
  }
}
