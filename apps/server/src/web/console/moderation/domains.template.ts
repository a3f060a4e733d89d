import { type DomainBlockEntity, type DomainBlockPreview, DomainPurgeStatus } from '@guildhall/federation';
import type { AccountEntity } from '@guildhall/identity';
import { markup, type SafeHtml } from '../../../pages/html';
import { actionButton, csrfField, dataTable, formError, formField } from '../../web-components';
import type { MemberContext } from '../../web-context';
import { accountLink, consoleNav, count } from './moderation-page';

export interface DomainsInput {
  blocks: DomainBlockEntity[];
  /** The moderators who made the blocks, by account id. */
  blockers: Map<string, AccountEntity>;
  /** A refused block form: what was typed and why it was refused. */
  draft?: { domain: string; reason: string; error: string };
}

const PURGE_STATUS: Record<DomainPurgeStatus, { label: string; badge: string }> = {
  [DomainPurgeStatus.Pending]: { label: 'Waiting for the worker', badge: '' },
  [DomainPurgeStatus.Running]: { label: 'Removing', badge: '' },
  [DomainPurgeStatus.Done]: { label: 'Done', badge: 'ok' },
  [DomainPurgeStatus.Failed]: { label: 'Failed: block again to retry', badge: 'danger' },
};

function purgeCell(ctx: MemberContext, block: DomainBlockEntity): SafeHtml {
  const status = PURGE_STATUS[block.purgeStatus];
  const removed = `${count(ctx.fmt.integer.bind(ctx.fmt), block.accountsPurged, 'account', 'accounts')}, ${count(
    ctx.fmt.integer.bind(ctx.fmt),
    block.postsPurged,
    'post',
    'posts',
  )} removed`;
  return markup`<span class="badge${status.badge ? ` ${status.badge}` : ''}">${status.label}</span>
<span class="small">${removed}${
    block.purgeFinishedAt && block.purgeStatus === DomainPurgeStatus.Done
      ? `; finished ${ctx.fmt.dateTime(block.purgeFinishedAt)}`
      : ''
  }</span>`;
}

/** `/console/domains`: the blocked servers with their purges, and the block form. */
export function domainsBody(ctx: MemberContext, input: DomainsInput): SafeHtml {
  const draft = input.draft;
  return markup`<h1>Domain blocks</h1>
${consoleNav('/console/domains')}
<section class="panel" aria-labelledby="block-title">
<h2 id="block-title">Block a server</h2>
<p>A block refuses the server and its subdomains at once, and removes in the background every account stored from it, with their posts, likes, boosts and follows. You will see what it removes before it is done.</p>
${formError(draft?.error)}
<form method="post" action="/console/domains/block" class="stack">
${csrfField(ctx)}
${formField({
  name: 'domain',
  label: 'Domain',
  value: draft?.domain,
  required: true,
  hint: 'A host name such as spam.example, with a port if any; its subdomains are covered too.',
  error: draft ? draft.error : null,
  autocomplete: 'off',
})}
${formField({
  name: 'reason',
  label: 'Reason (optional)',
  value: draft?.reason,
  hint: 'For the moderators; not sent anywhere.',
  autocomplete: 'off',
})}
<div class="actions"><button type="submit" class="primary">Review the block</button></div>
</form>
</section>
<section aria-labelledby="blocked-title">
<h2 id="blocked-title">Blocked servers</h2>
${dataTable<DomainBlockEntity>(
  'Blocked servers, with the removal of what was stored from them',
  [
    { header: 'Domain', cell: (block) => markup`<strong>${block.domain}</strong>` },
    { header: 'Reason', cell: (block) => block.reason ?? markup`<span class="muted">none given</span>` },
    { header: 'Blocked', cell: (block) => ctx.fmt.dateTime(block.createdAt) },
    {
      header: 'By',
      cell: (block) => (block.createdById ? accountLink(input.blockers.get(block.createdById)) : 'unknown'),
    },
    { header: 'Purge', cell: (block) => purgeCell(ctx, block) },
    {
      header: 'Action',
      cell: (block) =>
        actionButton(ctx, '/console/domains/unblock', `Unblock ${block.domain}`, { domain: block.domain }),
    },
  ],
  input.blocks,
  'No server is blocked.',
)}
</section>`;
}

/** What the block's confirmation step says it will do. */
export function blockQuestion(ctx: MemberContext, preview: DomainBlockPreview, reason: string): SafeHtml {
  const accounts = count(ctx.fmt.integer.bind(ctx.fmt), preview.accounts, 'account', 'accounts');
  const posts = count(ctx.fmt.integer.bind(ctx.fmt), preview.posts, 'post', 'posts');
  return markup`<p>Block <strong>${preview.domain}</strong> and its subdomains? From now on its requests are refused and nothing is fetched from or delivered to it.</p>
<p>The purge will remove the <strong>${accounts}</strong> stored from it and their <strong>${posts}</strong>, with their likes, boosts, follows and notifications. Reports about those accounts are closed with them. Nothing removed comes back if the server is unblocked later.</p>
${preview.blocked ? markup`<p class="notice warn">It is blocked already: blocking again runs the purge again and keeps the first reason.</p>` : ''}
<p>Reason: ${reason || markup`<span class="muted">none given</span>`}</p>`;
}

/** What the unblock's confirmation step says. */
export function unblockQuestion(ctx: MemberContext, block: DomainBlockEntity): SafeHtml {
  const accounts = count(ctx.fmt.integer.bind(ctx.fmt), block.accountsPurged, 'account', 'accounts');
  const posts = count(ctx.fmt.integer.bind(ctx.fmt), block.postsPurged, 'post', 'posts');
  return markup`<p>Unblock <strong>${block.domain}</strong>? Its servers can reach this one again and be followed again.</p>
<p>What the block removed (${accounts} and ${posts}) stays removed.</p>`;
}
