import type { AccountEntity } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { markup, type SafeHtml } from '../../../pages/html';
import type { WebApp } from '../../web-app';
import { subNav } from '../../web-components';
import type { MemberContext } from '../../web-context';

/**
 * The console's links (the route map). Until the console's shared nav (console/console-nav.ts)
 * lands, the moderation pages render this list themselves; the merge switches them over.
 */
const CONSOLE_LINKS = [
  { href: '/console', label: 'Overview' },
  { href: '/console/applications', label: 'Applications' },
  { href: '/console/members', label: 'Members' },
  { href: '/console/money', label: 'Money' },
  { href: '/console/periods', label: 'Periods' },
  { href: '/console/payouts', label: 'Payouts' },
  { href: '/console/capital', label: 'Capital' },
  { href: '/console/domains', label: 'Domain blocks' },
  { href: '/console/reports', label: 'Reports' },
  { href: '/console/accounts', label: 'Accounts' },
  { href: '/console/audit', label: 'Audit log' },
];

export function consoleNav(current: string): SafeHtml {
  return subNav('Console', CONSOLE_LINKS, current);
}

/**
 * The console's gate: the staff context, or null once the answer is sent (sign in first when
 * signed out, 403 for members). Moderators and admins pass: GraphQL's rule for these operations.
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

/** `@alice` here, `@bob@remote.example` elsewhere. */
export function handleOf(account: Pick<AccountEntity, 'username' | 'domain'>): string {
  return account.domain ? `@${account.username}@${account.domain}` : `@${account.username}`;
}

/** An account as the console shows it: its handle linking to its console page. */
export function accountLink(account: Pick<AccountEntity, 'username' | 'domain'> | null | undefined): SafeHtml {
  if (!account) return markup`<span class="muted">unknown</span>`;
  const handle = handleOf(account);
  return markup`<a href="/console/accounts?handle=${encodeURIComponent(handle.slice(1))}">${handle}</a>`;
}

/** `n thing` / `n things`, the number formatted for the reader. */
export function count(format: (n: number) => string, n: number, one: string, many: string): string {
  return `${format(n)} ${n === 1 ? one : many}`;
}
