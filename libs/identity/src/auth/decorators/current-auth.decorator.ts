import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { AuthContext } from '../auth-context';

export function requestOf(context: ExecutionContext): {
  user?: AuthContext;
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
