import { createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { AuthGuard } from '@nestjs/passport';
import type { UserEntity } from '../../accounts/user.entity';
import { IdentityErrorCode, IdentityException } from '../../identity.exception';

interface LoginContext {
  req: { ip: string; headers: Record<string, unknown> };
  login?: { body: unknown; ip: string; headers: Record<string, unknown>; user?: UserEntity };
}

/**
 * Runs passport-local for the logIn mutation. Passport reads credentials from `request.body`,
 * so the guard hands it a small request made of the mutation's input, never the real body.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override getRequest(context: ExecutionContext) {
    const gql = GqlExecutionContext.create(context);
    const ctx = gql.getContext<LoginContext>();
    const { input } = gql.getArgs<{ input: unknown }>();
    ctx.login ??= { body: input, ip: ctx.req.ip, headers: ctx.req.headers };
    return ctx.login;
  }

  override handleRequest<T>(error: unknown, user: T | false): T {
    if (error instanceof Error) throw error;
    if (error || !user)
      throw new IdentityException(IdentityErrorCode.InvalidCredentials, 'Wrong username, email or password');
    return user;
  }
}

/** The user passport-local verified for this logIn. */
export const LoggedInUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): UserEntity | undefined =>
    GqlExecutionContext.create(context).getContext<LoginContext>().login?.user,
);
