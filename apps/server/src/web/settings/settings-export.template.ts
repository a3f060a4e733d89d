import { markup, type SafeHtml } from '../../pages/html';
import type { MemberContext } from '../web-context';
import { settingsHeader } from './settings-nav';

export function exportPageBody(ctx: MemberContext, input: { postsCount: number; isMember: boolean }): SafeHtml {
  return markup`${settingsHeader('/settings/export', 'Export your data')}
<p>Download what is yours here, to keep or to take elsewhere. Each file holds only your own data.</p>
<section class="panel" aria-labelledby="export-posts">
<h2 id="export-posts">Your posts</h2>
<p>${ctx.fmt.integer(input.postsCount)} ${input.postsCount === 1 ? 'post' : 'posts'}: notes, articles, replies and boosts, oldest first, with what you typed, the HTML shown, who could see each and its counts.</p>
<ul class="downloads">
<li><a href="/settings/export/posts.json" download>Posts as JSON</a></li>
<li><a href="/settings/export/posts.csv" download>Posts as CSV</a> <span class="muted small">(for a spreadsheet)</span></li>
</ul>
</section>
<section class="panel" aria-labelledby="export-ledger">
<h2 id="export-ledger">Your ledger lines</h2>
<p>${
    input.isMember
      ? 'Every posting to your accounts in the co-op’s two ledgers: money (in cents, and as a decimal amount) and equity units. Debits are positive and credits negative, as the ledger stores them.'
      : 'You are not a member of the co-op, so the files hold no lines yet.'
  }</p>
<ul class="downloads">
<li><a href="/settings/export/ledger.csv" download>Ledger lines as CSV</a></li>
<li><a href="/settings/export/ledger.json" download>Ledger lines as JSON</a></li>
</ul>
</section>`;
}
