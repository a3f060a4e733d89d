import type {
  CapitalPolicyModel,
  PayableModel,
  PayoutRunModel,
  PayoutRunSummaryModel,
  RevolvedVintageModel,
} from '@guildhall/coop';
import { markup, type SafeHtml } from '../../../pages/html';
import { csrfField, dataTable, formError, formField, stat } from '../../web-components';
import type { WebContext } from '../../web-context';
import { consoleNav } from './console-admin';

export interface PayoutsInput {
  policy: CapitalPolicyModel;
  payables: PayableModel[];
  /** The next page's cursor, when there is one. */
  next: string | null;
  runs: PayoutRunSummaryModel[];
  redeem?: { through: string; error: string | null };
}

/** `/console/payouts`: what is payable now, past runs, running payouts and early redemptions. */
export function payoutsBody(ctx: WebContext, input: PayoutsInput): SafeHtml {
  const money = (cents: number) => ctx.fmt.money(cents);
  const due = input.payables.filter((p) => p.dueNextRun);
  return markup`<h1>Payouts</h1>
${consoleNav('/console/payouts')}
<p>A payout run pays, after a close, every member owed at least ${money(input.policy.minPayoutCents)}
and every member who left; it first redeems the capital vintages that have revolved
(after ${ctx.fmt.integer(input.policy.revolvingPeriods)} closes). <a href="/console/capital">Capital policy</a></p>
<section aria-labelledby="payable-title">
<h2 id="payable-title">Payable now</h2>
<div class="grid">
${stat('Members owed (this page)', ctx.fmt.integer(input.payables.length))}
${stat('Paid by the next run (this page)', money(due.reduce((sum, p) => sum + p.totalCents, 0)), `${ctx.fmt.integer(due.length)} members`)}
</div>
${dataTable(
  'What the cooperative owes each member',
  [
    { header: 'Member', cell: (p: PayableModel) => markup`@${p.handle}` },
    { header: 'Status', cell: (p: PayableModel) => p.status },
    { header: 'Patronage', cell: (p: PayableModel) => money(p.patronageCents), numeric: true },
    { header: 'Redemptions', cell: (p: PayableModel) => money(p.redemptionCents), numeric: true },
    { header: 'Total', cell: (p: PayableModel) => money(p.totalCents), numeric: true },
    { header: 'Next run', cell: (p: PayableModel) => (p.dueNextRun ? 'paid' : 'carried') },
  ],
  input.payables,
  'Nothing is payable.',
)}
${input.next ? markup`<p><a href="/console/payouts?after=${encodeURIComponent(input.next)}">More members</a></p>` : ''}
<form method="post" action="/console/payouts/run">
${csrfField(ctx)}
<div class="actions"><button type="submit" class="danger">Run payouts</button></div>
</form>
</section>
<section aria-labelledby="runs-title">
<h2 id="runs-title">Past payout runs</h2>
${dataTable(
  'Payout runs, newest first',
  [
    { header: 'After the close of', cell: (r: PayoutRunSummaryModel) => r.period },
    { header: 'Posted', cell: (r: PayoutRunSummaryModel) => ctx.fmt.dateTime(r.postedAt) },
    { header: 'Members paid', cell: (r: PayoutRunSummaryModel) => ctx.fmt.integer(r.members), numeric: true },
    { header: 'Paid', cell: (r: PayoutRunSummaryModel) => money(r.totalCents), numeric: true },
  ],
  input.runs,
  'No payout run yet.',
)}
</section>
<section aria-labelledby="redeem-title">
<h2 id="redeem-title">Redeem capital early</h2>
<p>Redeems every vintage up to and including a closed period now, ahead of the revolving schedule:
its capital becomes payable at the next run.</p>
${formError(input.redeem?.error ? 'Nothing was redeemed.' : null)}
<form method="post" action="/console/payouts/redeem" class="stack">
${csrfField(ctx)}
${formField({
  name: 'through',
  label: 'Redeem vintages through',
  hint: 'A closed period, e.g. 2026-11.',
  value: input.redeem?.through ?? '',
  error: input.redeem?.error ?? null,
  required: true,
})}
<div class="actions"><button type="submit" class="danger">Redeem</button></div>
</form>
</section>`;
}

/** The summary of a payout run just made (or found made). */
export function runBody(ctx: WebContext, run: PayoutRunModel): SafeHtml {
  const money = (cents: number) => ctx.fmt.money(cents);
  return markup`<h1>Payout run after ${run.period}</h1>
${consoleNav('/console/payouts')}
<p class="notice ${run.posted ? 'ok' : 'warn'}" role="status">${
    run.posted
      ? `Paid ${money(run.totalCents)} to ${ctx.fmt.integer(run.payouts.length)} ${run.payouts.length === 1 ? 'member' : 'members'}.`
      : `The run after ${run.period} was made already: nothing was posted this time.`
  }</p>
<div class="grid">
${stat('Paid', money(run.totalCents))}
${stat('Members paid', ctx.fmt.integer(run.payouts.length))}
${stat('Vintages redeemed', ctx.fmt.integer(run.revolved.length))}
</div>
${dataTable(
  'Paid by this run',
  [
    { header: 'Member', cell: (p: PayoutRunModel['payouts'][number]) => markup`@${p.handle}` },
    { header: 'Patronage', cell: (p: PayoutRunModel['payouts'][number]) => money(p.patronageCents), numeric: true },
    { header: 'Redemptions', cell: (p: PayoutRunModel['payouts'][number]) => money(p.redemptionCents), numeric: true },
    { header: 'Total', cell: (p: PayoutRunModel['payouts'][number]) => money(p.totalCents), numeric: true },
    { header: 'Settlement', cell: (p: PayoutRunModel['payouts'][number]) => (p.finalSettlement ? 'final' : '') },
  ],
  run.payouts,
  'Nobody was owed enough to be paid.',
)}
${revolvedTable(ctx, run.revolved)}
<p><a href="/console/payouts">Back to payouts</a></p>`;
}

export function revolvedTable(ctx: WebContext, revolved: RevolvedVintageModel[]): SafeHtml {
  return dataTable(
    'Vintages redeemed',
    [
      { header: 'Vintage', cell: (r: RevolvedVintageModel) => r.vintage },
      { header: 'Members', cell: (r: RevolvedVintageModel) => ctx.fmt.integer(r.members), numeric: true },
      { header: 'Amount', cell: (r: RevolvedVintageModel) => ctx.fmt.money(r.amountCents), numeric: true },
    ],
    revolved,
    'No vintage was redeemed.',
  );
}
