import type { CoopMemberRow, CoopMemberStatus } from '@guildhall/coop';
import type { Page } from '@guildhall/core';
import { markup, type SafeHtml } from '../../pages/html';
import { actionButton, dataTable, formError } from '../web-components';
import type { MemberContext } from '../web-context';
import { consoleNav } from './console-nav';

/** The statuses the members page filters by (applications have their own page). */
export const MEMBER_FILTERS: readonly { value: string; label: string; statuses: CoopMemberStatus[] }[] = [
  { value: '', label: 'Admitted (active, inactive, suspended)', statuses: ['active', 'inactive', 'suspended'] },
  { value: 'active', label: 'Active', statuses: ['active'] },
  { value: 'inactive', label: 'Inactive', statuses: ['inactive'] },
  { value: 'suspended', label: 'Suspended', statuses: ['suspended'] },
  { value: 'left', label: 'Left (withdrawn or expelled)', statuses: ['withdrawn', 'expelled'] },
];

const ADMITTED = new Set<CoopMemberStatus>(['active', 'inactive', 'suspended']);

export interface ListInput {
  page: Page<CoopMemberRow>;
  /** The cursor of the next page, when there is one. */
  next: string | null;
  error?: string | null;
}

function statusBadge(status: CoopMemberStatus): SafeHtml {
  const kind = status === 'active' ? ' ok' : status === 'expelled' || status === 'suspended' ? ' danger' : '';
  return markup`<span class="badge${kind}">${status}</span>`;
}

const handleLink = (row: CoopMemberRow): SafeHtml => markup`<a href="/@${row.handle}">@${row.handle}</a>`;

/** `/console/applications`: who applied and waits; admins admit. */
export function applicationsBody(ctx: MemberContext, input: ListInput): SafeHtml {
  const { fmt } = ctx;
  const table = dataTable(
    'Pending applications, oldest account first',
    [
      { header: 'Account', cell: handleLink },
      { header: 'Applied', cell: (row) => fmt.dateTime(row.appliedAt) },
      {
        header: 'Action',
        cell: (row) =>
          ctx.isAdmin
            ? actionButton(
                ctx,
                '/console/applications/admit',
                `Admit @${row.handle}`,
                { handle: row.handle },
                'primary',
              )
            : markup`<span class="muted">Admins admit</span>`,
      },
    ],
    input.page.items,
    'No applications are waiting.',
  );
  return markup`<h1>Applications</h1>
${consoleNav('/console/applications')}
${formError(input.error)}
<p>Admitting an applicant makes them a member-owner: their membership share is paid in at par and what they contribute from now on earns them a share of the co-op.</p>
${table}
${input.next ? markup`<p><a href="/console/applications?after=${input.next}">More applications</a></p>` : ''}`;
}

export interface MembersInput extends ListInput {
  filter: string;
}

/** `/console/members`: members with status, units and joining date; admins expel. */
export function membersBody(ctx: MemberContext, input: MembersInput): SafeHtml {
  const { fmt } = ctx;
  const filter = MEMBER_FILTERS.find((f) => f.value === input.filter) ?? MEMBER_FILTERS[0];
  const table = dataTable(
    `Members: ${filter.label.toLowerCase()}`,
    [
      { header: 'Member', cell: handleLink },
      { header: 'Status', cell: (row) => statusBadge(row.status) },
      { header: 'Vested units', cell: (row) => fmt.integer(row.vested), numeric: true },
      { header: 'Unvested units', cell: (row) => fmt.integer(row.unvested), numeric: true },
      { header: 'Joined', cell: (row) => (row.joinedAt ? fmt.date(row.joinedAt) : '—') },
      {
        header: 'Actions',
        cell: (row) =>
          markup`<a href="/console/accounts?handle=${encodeURIComponent(row.handle)}">Account${
            ADMITTED.has(row.status) ? ' (suspend)' : ''
          }<span class="visually-hidden"> of @${row.handle}</span></a>${
            ctx.isAdmin && ADMITTED.has(row.status)
              ? markup` ${actionButton(ctx, '/console/members/expel', `Expel @${row.handle}`, { handle: row.handle }, 'danger')}`
              : ''
          }`,
      },
    ],
    input.page.items,
    'No members with this status.',
  );
  const nextQuery = new URLSearchParams({ ...(input.filter ? { status: input.filter } : {}), after: input.next ?? '' });
  return markup`<h1>Members</h1>
${consoleNav('/console/members')}
${formError(input.error)}
<form method="get" action="/console/members" class="actions">
<div class="field"><label for="members-status">Status</label>
<select id="members-status" name="status">
${MEMBER_FILTERS.map((f) => markup`<option value="${f.value}"${f.value === filter.value ? markup` selected` : ''}>${f.label}</option>`)}
</select></div>
<button type="submit">Show</button>
</form>
<p class="muted">The co-op has no membership suspension of its own: suspend the member's account on the accounts page.</p>
${table}
${input.next ? markup`<p><a href="/console/members?${nextQuery.toString()}">More members</a></p>` : ''}`;
}
