import { isStaffRole, Role } from '@guildhall/identity';
import type { SignedIn, Visitor } from '../pages/oauth/browser-session';
import type { Formatter } from './format';

/** Who is asking and how to speak to them: built once per request by WebApp.context. */
export interface WebContext {
  visitor: Visitor;
  signedIn: SignedIn | null;
  /** The CSRF token this visitor's forms carry (session-bound when signed in). */
  csrf: string;
  isStaff: boolean;
  isAdmin: boolean;
  fmt: Formatter;
  instanceName: string;
  /** A one-time notice from the form that redirected here (shown once). */
  notice: { kind: 'ok' | 'error' | 'warn'; text: string } | null;
  /** The request's path and query, for a sign-in's return_to. */
  path: string;
}

/** A signed-in context (after WebApp.requireMember). */
export type MemberContext = WebContext & { signedIn: SignedIn };

export function contextRoles(signedIn: SignedIn | null): { isStaff: boolean; isAdmin: boolean } {
  const role = signedIn?.auth.role ?? null;
  return { isStaff: isStaffRole(role), isAdmin: role === Role.Admin };
}
