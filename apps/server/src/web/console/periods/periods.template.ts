import type { ContributionType, OpenPeriodStatus, PeriodClosePreview } from '@guildhall/coop';
import { markup, type SafeHtml } from '../../../pages/html';
import { csrfField, dataTable, stat } from '../../web-components';
import type { WebContext } from '../../web-context';
import { bps, consoleNav, hash } from './console-admin';

/** How many members the preview lists by name (the rest are in the totals). */
export const PREVIEW_TOP_MEMBERS = 10;

function typeRule(ctx: WebContext, type: ContributionType): string {
  if (type.rule === 'budget') return `budget of ${ctx.fmt.integer(type.budget)} engagements per member`;
  const cap = type.cap === null ? 'no cap' : `cap ${ctx.fmt.integer(type.cap)}`;
  const points = `${ctx.fmt.integer(type.points)} ${type.points === 1 ? 'point' : 'points'}`;
  return `${points} ${type.rule === 'amount' ? 'per cent spent' : 'each'}, ${cap}`;
}

function parametersSection(ctx: WebContext, status: OpenPeriodStatus): SafeHtml {
  const { parameters } = status.period;
  const pools = Object.entries(parameters.pools).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const types = Object.entries(parameters.contributionTypes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return markup`<h3>Parameters (frozen when the period opened)</h3>
<dl class="pairs">
<dt>Reserve</dt><dd>${bps(ctx, parameters.reserveBps)} of the surplus</dd>
<dt>Commons</dt><dd>${bps(ctx, parameters.commonsBps)} of the surplus</dd>
<dt>Paid in cash</dt><dd>${bps(ctx, parameters.cashBps)} of each allocation (the rest is retained as capital)</dd>
<dt>Unit budget</dt><dd>${ctx.fmt.integer(parameters.unitBudget)} equity units</dd>
<dt>Minimum member age</dt><dd>${ctx.fmt.integer(parameters.minMemberAgeDays)} days</dd>
<dt>Vesting</dt><dd>after ${ctx.fmt.integer(status.period.vestingPeriods)} closes</dd>
</dl>
${dataTable(
  'Pools: share of the patronage',
  [
    { header: 'Pool', cell: ([name]) => name },
    { header: 'Share', cell: ([, share]) => bps(ctx, share), numeric: true },
  ],
  pools,
)}
${dataTable(
  'Contribution types',
  [
    { header: 'Type', cell: ([name]) => name },
    { header: 'Pool', cell: ([, type]) => type.pool },
    { header: 'Rule', cell: ([, type]) => typeRule(ctx, type) },
  ],
  types,
)}`;
}

/** `/console/periods`: the open period, what was recorded in it so far, and the way to close it. */
export function periodsBody(ctx: WebContext, status: OpenPeriodStatus): SafeHtml {
  const { period } = status;
  return markup`<h1>Periods</h1>
${consoleNav('/console/periods')}
<section aria-labelledby="open-title">
<h2 id="open-title">Open period ${period.id}</h2>
<dl class="pairs">
<dt>Started</dt><dd>${ctx.fmt.dateTime(period.startsAt)}</dd>
<dt>Scheduled end</dt><dd>${ctx.fmt.dateTime(period.endsAt)}</dd>
</dl>
<div class="grid">
${stat('Contribution events so far', ctx.fmt.integer(status.events), 'reversals included')}
${stat('Revenue recorded', ctx.fmt.money(status.revenueCents))}
${stat('Costs recorded', ctx.fmt.money(status.costsCents))}
${stat('Net so far', ctx.fmt.money(status.revenueCents - status.costsCents))}
</div>
${parametersSection(ctx, status)}
<h3>Close the period</h3>
<p>Closing ends the period, posts the surplus split and every member's allocation to the ledger,
publishes the snapshot and opens the next period. Preview it first: the preview computes exactly
what the close would post, and posts nothing.</p>
<p><a class="button primary" href="/console/periods/preview">Preview the close</a></p>
</section>
<p class="muted">Closed periods are public: <a href="/transparency">transparency</a>.</p>`;
}

interface SplitRow {
  label: string;
  cents: number;
}

/** `/console/periods/preview`: the close's result, unposted, and the button that posts it. */
export function previewBody(ctx: WebContext, preview: PeriodClosePreview): SafeHtml {
  const { result, snapshot } = preview;
  const money = (cents: number) => ctx.fmt.money(cents);
  const split: SplitRow[] = [
    { label: 'Revenue', cents: snapshot.money.revenue },
    { label: 'Costs', cents: snapshot.money.costs },
    { label: 'Net', cents: result.net },
    { label: 'Loss cleared', cents: result.lossCleared },
    { label: 'Distributable surplus', cents: result.distributable },
    { label: 'To the reserve (with unallocated pool amounts)', cents: result.reserve.allocated },
    { label: 'To the commons', cents: result.commons.allocated },
    { label: 'Patronage (to the pools)', cents: result.patronage },
    { label: 'Reserve after the close', cents: result.reserve.closing },
    { label: 'Commons after the close', cents: result.commons.closing },
    { label: 'Loss carried forward', cents: result.lossCarryforward.closing },
  ];
  const pools = Object.entries(result.pools).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const ranked = [...result.members].sort((a, b) => b.allocation - a.allocation || (a.id < b.id ? -1 : 1));
  const top = ranked.slice(0, PREVIEW_TOP_MEMBERS);
  const sum = (pick: (m: (typeof ranked)[number]) => number) => ranked.reduce((total, m) => total + pick(m), 0);
  const name = (id: string) => preview.handles.get(id) ?? id;
  return markup`<h1>Preview: closing ${preview.period.id}</h1>
${consoleNav('/console/periods')}
<p class="notice warn">Nothing has been posted. This is what closing the period now would post.</p>
<dl class="pairs">
<dt>Period ends at</dt><dd>${ctx.fmt.dateTime(snapshot.period.end)}</dd>
<dt>Members in the snapshot</dt><dd>${ctx.fmt.integer(snapshot.members.length)} of ${ctx.fmt.integer(preview.members)}</dd>
<dt>Events</dt><dd>${ctx.fmt.integer(preview.recordedEvents)} recorded, ${ctx.fmt.integer(snapshot.events.length)} published</dd>
<dt>Input hash</dt><dd>${hash(result.inputHash)}</dd>
<dt>Output hash</dt><dd>${hash(result.outputHash)}</dd>
</dl>
<h2>Surplus split</h2>
${dataTable(
  'How the surplus is split',
  [
    { header: 'Item', cell: (row: SplitRow) => row.label },
    { header: 'Amount', cell: (row: SplitRow) => money(row.cents), numeric: true },
  ],
  split,
)}
<h2>Pools</h2>
${dataTable(
  'Patronage by pool',
  [
    { header: 'Pool', cell: ([pool]) => pool },
    { header: 'Amount', cell: ([, p]) => money(p.amount), numeric: true },
    { header: 'Basis (points)', cell: ([, p]) => ctx.fmt.integer(p.basis), numeric: true },
    { header: 'Unallocated', cell: ([, p]) => money(p.unallocated), numeric: true },
  ],
  pools,
  'No pools.',
)}
<h2>Members' allocations</h2>
<div class="grid">
${stat('Members allocated', ctx.fmt.integer(ranked.length))}
${stat('Allocated', money(sum((m) => m.allocation)))}
${stat('In cash', money(sum((m) => m.cash)))}
${stat('Retained as capital', money(sum((m) => m.retained)))}
${stat('Units issued', ctx.fmt.integer(result.unitsIssued))}
</div>
${dataTable(
  ranked.length > top.length ? `The ${top.length} largest allocations of ${ranked.length}` : 'Allocations',
  [
    { header: 'Member', cell: (m) => markup`@${name(m.id)}` },
    { header: 'Allocation', cell: (m) => money(m.allocation), numeric: true },
    { header: 'Cash', cell: (m) => money(m.cash), numeric: true },
    { header: 'Retained', cell: (m) => money(m.retained), numeric: true },
    { header: 'Units', cell: (m) => ctx.fmt.integer(m.units), numeric: true },
  ],
  top,
  'No member earns anything in this close.',
)}
<h2>Close the period</h2>
<p>This posts the result above to the ledger and opens the next period. You will be asked to confirm.</p>
<form method="post" action="/console/periods/close">
${csrfField(ctx)}
<input type="hidden" name="period" value="${preview.period.id}">
<input type="hidden" name="asOf" value="${preview.asOf.toISOString()}">
<input type="hidden" name="previewHash" value="${result.outputHash}">
<div class="actions"><button type="submit" class="danger">Close the period</button>
<a href="/console/periods/preview">Preview again</a></div>
</form>`;
}

/** The confirmation step's words: what will be posted, with the previewed hash. */
export function closeQuestion(ctx: WebContext, period: string, asOf: Date, previewHash: string): SafeHtml {
  return markup`<p>Close period <strong>${period}</strong>, ending it at ${ctx.fmt.dateTime(asOf)}?</p>
<p>The preview's output hash: ${hash(previewHash)}</p>
<p>This posts the result to both ledgers, publishes the snapshot and opens the next period. It cannot be undone.
If anything was recorded since the preview, the close includes it and its hash will differ.</p>`;
}
