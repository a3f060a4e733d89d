import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { AppAuthContext, AuthContext } from '../auth-context';

export function requestOf(context: ExecutionContext): {
  user?: AuthContext;
  /** Set by the AuthGuard for an OAuth app's own token (`client_credentials`). */
  oauthApp?: AppAuthContext;
  headers: Record<string, unknown>;
  ip?: string;
} {
  return context.getType<string>() === 'graphql'
    ? GqlExecutionContext.create(context).getContext<{ req: never }>().req
    : context.switchToHttp().getRequest();
}

/** The caller's AuthContext (undefined on a public handler called anonymously). */
export const CurrentAuth = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthContext | undefined => requestOf(context).user,
);

/** The OAuth app acting for itself (`client_credentials` token), if that is who is calling. */
export const CurrentApp = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AppAuthContext | undefined => requestOf(context).oauthApp,
);
