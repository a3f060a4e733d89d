import { markup, type SafeHtml } from '../../pages/html';
import { stat } from '../web-components';
import type { MemberContext } from '../web-context';
import { consoleNav } from './console-nav';

export interface OverviewInput {
  pendingApplications: number;
  openReports: number;
  members: number;
  openPeriod: { id: string; startsAt: Date; endsAt: Date };
  payableTotalCents: number;
  currency: string;
}

const linked = (href: string, label: string): SafeHtml => markup`<a href="${href}">${label}</a>`;

/** `/console`: what waits for the stewards, each figure linking to its page. */
export function overviewBody(ctx: MemberContext, input: OverviewInput): SafeHtml {
  const { fmt } = ctx;
  return markup`<h1>Stewards' console</h1>
${consoleNav('/console')}
<p>You are signed in as ${ctx.isAdmin ? 'an admin' : 'a moderator'}.${
    ctx.isAdmin
      ? ''
      : markup` Moderators see every console page; admitting, expelling, recording money, closing and paying out are for admins.`
  }</p>
<section aria-labelledby="waiting" class="grid">
<h2 id="waiting" class="visually-hidden">At a glance</h2>
${stat('Pending applications', fmt.integer(input.pendingApplications), linked('/console/applications', 'Review applications'))}
${stat('Open reports', fmt.integer(input.openReports), linked('/console/reports', 'Open the reports queue'))}
${stat('Members', fmt.integer(input.members), linked('/console/members', 'See the members'))}
${stat(
  'Open period',
  input.openPeriod.id,
  markup`From ${fmt.date(input.openPeriod.startsAt)} until ${fmt.date(input.openPeriod.endsAt)} · ${linked('/console/periods', 'Close with a preview')}`,
)}
${stat('Payable to members', fmt.money(input.payableTotalCents, input.currency), linked('/console/payouts', 'Payouts'))}
</section>
<p>${linked('/console/money', 'Money in and out, and the payment webhook log')} · ${linked('/console/audit', 'Audit log')}</p>`;
}
