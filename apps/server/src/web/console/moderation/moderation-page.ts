import type { AccountEntity } from '@guildhall/identity';
import { markup, type SafeHtml } from '../../../pages/html';

export { consoleNav } from '../console-nav';

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
