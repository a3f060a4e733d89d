import type { FastifyReply } from 'fastify';
import type { WebApp } from '../web-app';
import type { MemberContext, WebContext } from '../web-context';

/**
 * The console's gates: signed out → sign in; not staff → 403. Returns the reply when refused,
 * null when the visitor may see the console.
 */
export function refuseNonStaff(web: WebApp, reply: FastifyReply, ctx: WebContext): FastifyReply | null {
  if (!web.isMember(ctx)) return web.signInFirst(reply, ctx);
  if (!ctx.isStaff) return web.forbidden(reply, ctx);
  return null;
}

/**
 * Admin-only actions (GraphQL's `@Roles(Role.Admin)` on admit, expel and recording money):
 * moderators see the console but are answered 403 here.
 */
export function refuseNonAdmin(
  web: WebApp,
  reply: FastifyReply,
  ctx: MemberContext,
  what: string,
): FastifyReply | null {
  if (ctx.isAdmin) return null;
  return web.forbidden(reply, ctx, `Only admins may ${what}.`);
}
