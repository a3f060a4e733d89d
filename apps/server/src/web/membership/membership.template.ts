import { type CoopAccountModel, type CoopMemberEntity, DEFAULT_SHARE_PAR_CENTS } from '@guildhall/coop';
import { markup, type SafeHtml } from '../../pages/html';
import { actionButton } from '../web-components';
import type { MemberContext } from '../web-context';
import { ownershipNav } from '../ownership/ownership.template';

export interface MembershipInput {
  currency: string;
  membership: CoopMemberEntity | null;
}

const IN_GOOD_STANDING = new Set(['active', 'inactive', 'suspended']);

function statusPanel(ctx: MemberContext, input: MembershipInput): SafeHtml {
  const { fmt } = ctx;
  const m = input.membership;
  if (!m) {
    return markup`<div class="panel">
<h2>Become a member-owner</h2>
<p>Members own the cooperative together. What you contribute each period — posts, the engagement they receive, curation, moderation, payments — earns you equity units and a share of the surplus: part paid in cash, part kept in your capital account and paid back later. One member, one vote on the rules.</p>
<p>A steward reviews your application. Once admitted, you pay in a membership share of ${fmt.money(DEFAULT_SHARE_PAR_CENTS, input.currency)} at par (redeemed at par if you leave).</p>
<div class="actions">${actionButton(ctx, '/membership/apply', 'Apply for membership', {}, 'primary')}</div>
</div>`;
  }
  if (m.status === 'pending') {
    return markup`<div class="panel"><h2>Application pending</h2>
<p>You applied on ${fmt.date(m.appliedAt)}. A steward will review your application; you will be a member once admitted.</p></div>`;
  }
  if (IN_GOOD_STANDING.has(m.status)) {
    return markup`<div class="panel"><h2>Member since ${m.joinedAt ? fmt.date(m.joinedAt) : '—'}</h2>
<dl class="pairs">
<dt>Status</dt><dd>${m.status}</dd>
<dt>Membership share</dt><dd>${fmt.money(m.sharePaidCents, input.currency)} paid in at par</dd>
</dl>
<p><a href="/ownership">What you own</a> · <a href="/ownership/contributions">This period's contributions</a></p>
</div>
<section aria-labelledby="withdraw-title" class="panel">
<h2 id="withdraw-title">Leave the cooperative</h2>
<p>You can withdraw at any time. You will be asked to confirm, with what happens to what you hold.</p>
<div class="actions">${actionButton(ctx, '/membership/withdraw', 'Withdraw from the cooperative', {}, 'danger')}</div>
</section>`;
  }
  return markup`<div class="panel"><h2>You left the cooperative</h2>
<p>Status: ${m.status}${m.withdrawnAt ? markup`, on ${fmt.date(m.withdrawnAt)}` : ''}. Your capital account is paid back as its vintages revolve; see <a href="/ownership">what you still hold</a>.</p></div>`;
}

/** `/membership`: the account's membership, and the way in or out. */
export function membershipBody(ctx: MemberContext, input: MembershipInput): SafeHtml {
  return markup`<h1>Membership</h1>${ownershipNav('/membership')}${statusPanel(ctx, input)}`;
}

/** The confirmation step of a withdrawal: what is retired, redeemed and revolved, in figures. */
export function withdrawQuestion(
  ctx: MemberContext,
  currency: string,
  membership: CoopMemberEntity,
  account: CoopAccountModel | null,
): SafeHtml {
  const { fmt } = ctx;
  const units = account ? account.units.vested + account.units.unvested : 0;
  const capital = account?.capitalCents ?? 0;
  const holding = account?.capital.filter((v) => v.balanceCents > 0) ?? [];
  return markup`<p>Leaving the cooperative cannot be undone from here. When you withdraw:</p>
<ul>
<li><strong>Your ${fmt.integer(units)} equity units are retired</strong> (${fmt.integer(account?.units.vested ?? 0)} vested, ${fmt.integer(account?.units.unvested ?? 0)} unvested): they no longer earn patronage.</li>
<li><strong>Your membership share of ${fmt.money(membership.sharePaidCents, currency)} is redeemed at par</strong>: it becomes payable and the next payout run pays it.</li>
<li><strong>Your capital account of ${fmt.money(capital, currency)}</strong>${
    holding.length ? markup` (${fmt.integer(holding.length)} ${holding.length === 1 ? 'vintage' : 'vintages'})` : ''
  } stays yours and <strong>revolves on the usual schedule</strong>: each vintage is paid to you, in any amount, when it revolves.</li>
<li>Cash patronage still payable (${fmt.money(account?.cashPayableCents ?? 0, currency)}) is paid by the next payout run.</li>
</ul>`;
}
