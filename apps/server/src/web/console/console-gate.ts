import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FormBody, WebApp } from '../web-app';
import type { MemberContext } from '../web-context';

/** What the period, payout and capital pages tell a moderator (GraphQL's `@Roles(Role.Admin)` there). */
export const ADMIN_ONLY = 'close periods, run payouts or set the capital policy';

/**
 * The console's gates, in one place. Each returns the steward's context, or null once the answer
 * is sent (the caller returns `reply`): signed out → sign in; a member who is not staff → 403.
 */
export async function staffContext(
  web: WebApp,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<MemberContext | null> {
  const ctx = await web.context(request, reply);
  if (!web.isMember(ctx)) {
    web.signInFirst(reply, ctx);
    return null;
  }
  if (!ctx.isStaff) {
    web.forbidden(reply, ctx);
    return null;
  }
  return ctx;
}

/**
 * The pages of the co-op's money, closes, payouts and capital: staff, then admin (moderators see
 * the console but are answered 403 here, as GraphQL's `@Roles(Role.Admin)` answers them).
 */
export async function adminContext(
  web: WebApp,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<MemberContext | null> {
  const ctx = await staffContext(web, request, reply);
  return ctx && admitted(web, reply, ctx, ADMIN_ONLY);
}

/**
 * A console form's POST: staff, then the form's token and origin (a forged or expired form changes
 * nothing), then — when `adminOnly` says what it does — admin.
 */
export async function staffForm(
  web: WebApp,
  request: FastifyRequest,
  reply: FastifyReply,
  body: FormBody,
  adminOnly?: string,
): Promise<MemberContext | null> {
  const ctx = await staffContext(web, request, reply);
  if (!ctx) return null;
  if (!web.acceptsForm(request, ctx, body)) {
    web.formExpired(reply, ctx);
    return null;
  }
  return adminOnly === undefined ? ctx : admitted(web, reply, ctx, adminOnly);
}

function admitted(web: WebApp, reply: FastifyReply, ctx: MemberContext, what: string): MemberContext | null {
  if (ctx.isAdmin) return ctx;
  web.forbidden(reply, ctx, `Only admins may ${what}.`);
  return null;
}
