import type { AccountEntity } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { markup, type SafeHtml } from '../../../pages/html';
import type { WebApp } from '../../web-app';
import type { MemberContext } from '../../web-context';
import { refuseNonStaff } from '../console-gate';

export { consoleNav } from '../console-nav';

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
  return refuseNonStaff(web, reply, ctx) ? null : (ctx as MemberContext);
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
