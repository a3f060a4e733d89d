import { type AccountEntity, mayModerateRole, Role } from '@guildhall/identity';
import { markup, type SafeHtml } from '../../../pages/html';
import { actionButton, formField } from '../../web-components';
import type { MemberContext } from '../../web-context';
import { consoleNav, handleOf } from './moderation-page';

export interface AccountsInput {
  /** What was searched for ('' before any search). */
  handle: string;
  found: { account: AccountEntity; role: Role | null } | null;
}

const ROLE_LABEL: Record<Role, string> = {
  [Role.Member]: 'Member',
  [Role.Moderator]: 'Moderator',
  [Role.Admin]: 'Admin',
};

function status(ctx: MemberContext, account: AccountEntity): SafeHtml {
  if (!account.suspendedAt) return markup`<span class="badge ok">Active</span>`;
  const by = account.suspendedByRole === Role.Moderator ? 'a moderator' : 'an admin';
  return markup`<span class="badge danger">Suspended</span> since ${ctx.fmt.dateTime(account.suspendedAt)}, by ${by}`;
}

function actions(ctx: MemberContext, account: AccountEntity, role: Role | null): SafeHtml {
  const handle = handleOf(account).slice(1);
  if (account.id === ctx.signedIn.account.id) return markup`<p class="muted">This is your own account.</p>`;
  if (!mayModerateRole(ctx.signedIn.auth.role, role)) {
    return markup`<p class="muted">Only an admin may suspend or unsuspend a moderator or an admin.</p>`;
  }
  const suspension =
    account.suspendedAt && account.suspendedByRole !== Role.Moderator && !ctx.isAdmin
      ? markup`<p class="muted">An admin suspended this account: only an admin may lift it.</p>`
      : account.suspendedAt
        ? actionButton(ctx, '/console/accounts/unsuspend', `Lift the suspension of @${handle}`, { handle })
        : actionButton(ctx, '/console/accounts/suspend', `Suspend @${handle}`, { handle }, 'danger');
  const reset =
    ctx.isAdmin && account.domain === null
      ? actionButton(ctx, '/console/accounts/password-reset', 'Issue a password reset', { handle })
      : '';
  return markup`<div class="actions">${suspension}${reset}</div>`;
}

function accountPanel(ctx: MemberContext, account: AccountEntity, role: Role | null): SafeHtml {
  return markup`<section class="panel" aria-labelledby="account-title">
<h2 id="account-title">${handleOf(account)}</h2>
<dl class="pairs">
<dt>Name</dt><dd>${account.displayName || markup`<span class="muted">none</span>`}</dd>
<dt>Where</dt><dd>${account.domain ? `Remote, on ${account.domain}` : 'This server'}</dd>
<dt>Role</dt><dd>${role ? ROLE_LABEL[role] : 'None (remote account)'}</dd>
<dt>Status</dt><dd>${status(ctx, account)}</dd>
<dt>Posts</dt><dd>${ctx.fmt.integer(account.postsCount)}</dd>
<dt>Known since</dt><dd>${ctx.fmt.dateTime(account.createdAt)}</dd>
</dl>
${actions(ctx, account, role)}
</section>`;
}

/** `/console/accounts`: find an account by handle, see its state, suspend or lift, reset a password. */
export function accountsBody(ctx: MemberContext, input: AccountsInput): SafeHtml {
  return markup`<h1>Accounts</h1>
${consoleNav('/console/accounts')}
<form method="get" action="/console/accounts" class="stack panel" role="search">
${formField({
  name: 'handle',
  label: 'Handle',
  type: 'search',
  value: input.handle,
  required: true,
  hint: 'alice for an account here, bob@remote.example for one elsewhere.',
  autocomplete: 'off',
})}
<div class="actions"><button type="submit" class="primary">Find</button></div>
</form>
${
  input.found
    ? accountPanel(ctx, input.found.account, input.found.role)
    : input.handle
      ? markup`<p class="notice warn" role="status">No account known here has the handle ${input.handle}.</p>`
      : ''
}`;
}

export function suspendQuestion(account: AccountEntity): SafeHtml {
  return markup`<p>Suspend <strong>${handleOf(account)}</strong>?</p>
<p>It cannot sign in and its sessions end; its posts are hidden everywhere. Nothing is deleted, and the suspension can be lifted here.</p>`;
}

export function unsuspendQuestion(account: AccountEntity): SafeHtml {
  return markup`<p>Lift the suspension of <strong>${handleOf(account)}</strong>?</p>
<p>The account and its posts are back; it signs in again with its password (its ended sessions stay ended).</p>`;
}

export function resetQuestion(account: AccountEntity): SafeHtml {
  return markup`<p>Issue a one-time password reset for <strong>${handleOf(account)}</strong>?</p>
<p>The token is shown once, on the next page, and works for one hour; an earlier unused token stops working. Hand it to the member privately.</p>`;
}

/** The reset token, shown once (it is stored only as a hash). */
export function resetIssuedBody(ctx: MemberContext, account: AccountEntity, token: string, expiresAt: Date): SafeHtml {
  return markup`<h1>Password reset for ${handleOf(account)}</h1>
${consoleNav('/console/accounts')}
<div class="panel">
<p class="notice warn" role="status">This token is shown only this once. Copy it now and hand it to the member privately.</p>
<dl class="pairs">
<dt>Token</dt><dd><code class="token">${token}</code></dd>
<dt>Works until</dt><dd>${ctx.fmt.dateTime(expiresAt)}</dd>
</dl>
<p>The member sets a new password with it (GraphQL <code>resetPassword</code>); every session of the account then ends.</p>
<p><a href="/console/accounts?handle=${encodeURIComponent(handleOf(account).slice(1))}">Back to the account</a></p>
</div>`;
}
