import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import type { Role } from '../../identity.constants';
import { IdentityErrorCode, IdentityException } from '../../identity.exception';
import type { AuthContext } from '../auth-context';
import { IS_PUBLIC } from '../decorators/public.decorator';
import { requestOf } from '../decorators/current-auth.decorator';
import { REQUIRED_ROLES } from '../decorators/roles.decorator';

/**
 * The global guard (APP_GUARD): default-deny. A handler needs a valid bearer token unless it is
 * @Public(); a bad token is refused even on a public handler, so a client never mistakes a
 * revoked session for an anonymous read. @Roles() narrows further.
 */
@Injectable()
export class AuthGuard extends PassportAuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override getRequest(context: ExecutionContext) {
    return requestOf(context);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ?? false;
    const request = requestOf(context);
    if (isPublic && !request.headers.authorization) return true;
    await (super.canActivate(context) as Promise<boolean>);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles?.length && !roles.includes((request.user as AuthContext).role)) {
      throw new IdentityException(IdentityErrorCode.Forbidden, 'You are not allowed to do that');
    }
    return true;
  }

  override handleRequest<T = AuthContext>(error: unknown, user: T | false, info: unknown): T {
    if (error instanceof IdentityException) throw error;
    if (error || !user) {
      const expired = info instanceof Error && info.name === 'TokenExpiredError';
      throw new IdentityException(
        IdentityErrorCode.Unauthenticated,
        expired ? 'The access token has expired' : 'A valid bearer token is required',
      );
    }
    return user;
  }
}
