import type { AuditPage } from '@guildhall/core';
import { markup, type SafeHtml } from '../../pages/html';
import { dataTable } from '../web-components';
import type { MemberContext } from '../web-context';
import { consoleNav } from './console-nav';

/** Every action the libs record (web-common's names), for the filter. */
export const AUDIT_ACTIONS = [
  'coop.admit',
  'coop.expel',
  'coop.record_revenue',
  'coop.record_cost',
  'coop.close_period',
  'coop.run_payouts',
  'coop.set_capital_policy',
  'coop.redeem_vintages',
  'identity.suspend',
  'identity.unsuspend',
  'identity.issue_password_reset',
  'federation.block_domain',
  'federation.unblock_domain',
  'federation.resolve_report',
] as const;

export interface AuditInput {
  page: AuditPage;
  action: string | null;
  /** Handles of the page's actors by account id. */
  handles: Map<string, string>;
  /** The cursor of this page (null: the newest). */
  before: string | null;
}

function detailValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function detailsOf(details: Record<string, unknown>): SafeHtml {
  const entries = Object.entries(details);
  if (!entries.length) return markup`<span class="muted">—</span>`;
  return markup`<dl class="pairs">${entries.map(
    ([key, value]) => markup`<dt>${key}</dt><dd>${detailValue(value)}</dd>`,
  )}</dl>`;
}

function pageLink(action: string | null, before: string): string {
  const query = new URLSearchParams({ ...(action ? { action } : {}), before });
  return `/console/audit?${query.toString()}`;
}

/** `/console/audit`: who did what to whom, when; newest first, filtered by action. */
export function auditBody(ctx: MemberContext, input: AuditInput): SafeHtml {
  const { fmt } = ctx;
  const table = dataTable(
    input.action ? `Audit log: ${input.action}, newest first` : 'Audit log, newest first',
    [
      {
        header: 'When',
        cell: (entry) =>
          markup`<time datetime="${entry.createdAt.toISOString()}">${fmt.dateTime(entry.createdAt)}</time>`,
      },
      {
        header: 'Who',
        cell: (entry) => {
          if (!entry.actorId) return markup`<span class="muted">the system</span>`;
          const handle = input.handles.get(entry.actorId);
          return handle
            ? markup`<a href="/@${handle}">@${handle}</a>`
            : markup`<span class="muted">a deleted account</span>`;
        },
      },
      { header: 'What', cell: (entry) => markup`<code>${entry.action}</code>` },
      { header: 'Subject', cell: (entry) => entry.subject },
      { header: 'Details', cell: (entry) => detailsOf(entry.details) },
    ],
    input.page.entries,
    input.action ? `Nothing recorded for ${input.action}.` : 'Nothing recorded yet.',
  );
  return markup`<h1>Audit log</h1>
${consoleNav('/console/audit')}
<p>Every steward action, recorded by the operation that performed it in the same transaction.</p>
<form method="get" action="/console/audit" class="actions">
<div class="field"><label for="audit-action">Action</label>
<select id="audit-action" name="action">
<option value=""${input.action ? '' : markup` selected`}>All actions</option>
${AUDIT_ACTIONS.map((action) => markup`<option value="${action}"${action === input.action ? markup` selected` : ''}>${action}</option>`)}
</select></div>
<button type="submit">Filter</button>
</form>
${table}
<nav aria-label="Audit log pages" class="actions">${
    input.before
      ? markup`<a href="${input.action ? `/console/audit?action=${input.action}` : '/console/audit'}">Newest</a>`
      : ''
  }${input.page.next ? markup`<a href="${pageLink(input.action, input.page.next)}">Older entries</a>` : ''}</nav>`;
}
