import type { PostEntity } from '@guildhall/content';
import { ReportAction, type ReportEntity } from '@guildhall/federation';
import type { AccountEntity } from '@guildhall/identity';
import { markup, sanitized, type SafeHtml } from '../../../pages/html';
import { actionButton } from '../../web-components';
import type { MemberContext } from '../../web-context';
import { accountLink, consoleNav, handleOf } from './moderation-page';

/** One report with what the page shows of it. */
export interface ReportView {
  report: ReportEntity;
  target: AccountEntity | null;
  reporter: AccountEntity | null;
  resolvedBy: AccountEntity | null;
  posts: PostEntity[];
}

export interface ReportsInput {
  resolved: boolean;
  reports: ReportView[];
  /** The `after` of the next (older) page, or null. */
  next: string | null;
}

function quotedPosts(ctx: MemberContext, posts: PostEntity[]): SafeHtml {
  if (!posts.length) return markup`<p class="muted">No posts quoted.</p>`;
  return markup`<ul class="quoted-posts">${posts.map(
    (
      post,
    ) => markup`<li><blockquote>${post.contentWarning ? markup`<p><strong>Content warning: ${post.contentWarning}</strong></p>` : ''}${sanitized(post.content)}</blockquote>
<p class="muted small">Posted ${ctx.fmt.dateTime(post.createdAt)} · ${post.visibility}</p></li>`,
  )}</ul>`;
}

function actions(ctx: MemberContext, view: ReportView): SafeHtml {
  const { report, target } = view;
  if (report.resolvedAt) {
    return markup`<p>Resolved ${ctx.fmt.dateTime(report.resolvedAt)} by ${accountLink(view.resolvedBy)}.</p>`;
  }
  const subject = target ? handleOf(target) : 'the account';
  return markup`<div class="actions">
${actionButton(ctx, '/console/reports/resolve', 'Dismiss', { id: report.id, action: ReportAction.DISMISS })}
${
  target && !target.suspendedAt
    ? actionButton(
        ctx,
        '/console/reports/resolve',
        `Suspend ${subject} and close`,
        { id: report.id, action: ReportAction.SUSPEND_ACCOUNT },
        'danger',
      )
    : ''
}
</div>`;
}

function reportCard(ctx: MemberContext, view: ReportView, index: number): SafeHtml {
  const { report, target } = view;
  const titleId = `report-${index}`;
  return markup`<article class="panel report" aria-labelledby="${titleId}">
<h2 id="${titleId}">Report about ${target ? handleOf(target) : 'a removed account'}</h2>
<dl class="pairs">
<dt>Reported account</dt><dd>${accountLink(target)}${
    target?.suspendedAt ? markup` <span class="badge danger">suspended</span>` : ''
  }</dd>
<dt>Reported by</dt><dd>${view.reporter ? accountLink(view.reporter) : report.sourceDomain ? `a moderator of ${report.sourceDomain}` : 'unknown'}</dd>
${report.sourceDomain ? markup`<dt>From server</dt><dd>${report.sourceDomain}</dd>` : ''}
<dt>Filed</dt><dd>${ctx.fmt.dateTime(report.createdAt)}</dd>
<dt>Comment</dt><dd>${report.comment || markup`<span class="muted">none</span>`}</dd>
</dl>
<h3>Posts quoted</h3>
${quotedPosts(ctx, view.posts)}
${actions(ctx, view)}
</article>`;
}

/** `/console/reports`: the open reports (or the resolved ones), newest first. */
export function reportsBody(ctx: MemberContext, input: ReportsInput): SafeHtml {
  const filters = [
    { href: '/console/reports', label: 'Open', current: !input.resolved },
    { href: '/console/reports?state=resolved', label: 'Resolved', current: input.resolved },
  ];
  const older = input.next
    ? `/console/reports?${input.resolved ? 'state=resolved&' : ''}after=${encodeURIComponent(input.next)}`
    : null;
  return markup`<h1>Reports</h1>
${consoleNav('/console/reports')}
<nav class="sub" aria-label="Which reports"><ul>${filters.map(
    (filter) =>
      markup`<li><a href="${filter.href}"${filter.current ? markup` aria-current="page"` : ''}>${filter.label}</a></li>`,
  )}</ul></nav>
${
  input.reports.length
    ? input.reports.map((view, index) => reportCard(ctx, view, index))
    : markup`<p class="muted">${input.resolved ? 'No resolved reports.' : 'No open reports. Nothing is waiting.'}</p>`
}
${older ? markup`<p><a href="${older}">Older reports</a></p>` : ''}`;
}

/** What suspending from a report will do, for its confirmation step. */
export function suspendFromReportQuestion(target: AccountEntity): SafeHtml {
  return markup`<p>Suspend <strong>${handleOf(target)}</strong> and close the report?</p>
<p>The account cannot sign in and its sessions end; its posts are hidden everywhere. Nothing is deleted, and the suspension can be lifted from the accounts page.</p>`;
}
