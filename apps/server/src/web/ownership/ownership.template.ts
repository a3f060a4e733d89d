import {
  type CoopAccountModel,
  type CoopAllocationModel,
  type CoopMemberEntity,
  expectedCloseEnd,
  type OpenPeriodRef,
  type VestingTranche,
} from '@guildhall/coop';
import { markup, type SafeHtml } from '../../pages/html';
import { dataTable, stat, subNav } from '../web-components';
import type { MemberContext } from '../web-context';
import { stackedBars } from './ownership-chart';

export interface OwnershipInput {
  currency: string;
  membership: CoopMemberEntity | null;
  account: CoopAccountModel | null;
  /** Newest first, as TransparencyService gives them. */
  allocations: CoopAllocationModel[];
  /** More closed periods exist than `allocations` shows. */
  moreAllocations: boolean;
  vesting: { open: OpenPeriodRef | null; latestClosedSeq: number; unvested: VestingTranche[] };
}

export const ownershipNav = (current: string) =>
  subNav(
    'Ownership',
    [
      { href: '/ownership', label: 'What I own' },
      { href: '/ownership/contributions', label: 'This period' },
      { href: '/membership', label: 'Membership' },
    ],
    current,
  );

/** Not a member (never applied, pending, or left): what it means and the way in. */
function notAMember(ctx: MemberContext, membership: CoopMemberEntity | null): SafeHtml {
  const text = !membership
    ? markup`You are not a member of the cooperative yet. Members earn equity units and a share of the surplus for what they contribute.`
    : membership.status === 'pending'
      ? markup`Your application is waiting for a steward. Once you are admitted, what you contribute earns you units and patronage here.`
      : markup`You are no longer a member (${membership.status}). What you still hold is shown below until it is paid out.`;
  return markup`<div class="panel"><p>${text}</p><p><a href="/membership">${
    membership ? 'Your membership' : 'Apply for membership'
  }</a></p></div>`;
}

/** "3 closes · around Mar 1, 2027", on one line (a phone scrolls the table instead). */
function when(ctx: MemberContext, open: OpenPeriodRef | null, closes: number, dueNow: string): SafeHtml {
  const at = expectedCloseEnd(open, closes);
  const text = at
    ? `${ctx.fmt.integer(closes)} ${closes === 1 ? 'close' : 'closes'} · around ${ctx.fmt.date(at)}`
    : dueNow;
  return markup`<span class="nowrap">${text}</span>`;
}

function holdings(ctx: MemberContext, input: OwnershipInput, account: CoopAccountModel): SafeHtml {
  const { fmt } = ctx;
  const money = (cents: number) => fmt.money(cents, input.currency);
  const open = input.vesting.open;
  return markup`<section aria-labelledby="units-title">
<h2 id="units-title">Equity units</h2>
<div class="grid">
${stat('Vested units', fmt.integer(account.units.vested), 'They count for the equity pool.')}
${stat('Unvested units', fmt.integer(account.units.unvested), 'They vest in a later close.')}
${account.units.retired ? stat('Retired units', fmt.integer(account.units.retired), 'Retired when you left.') : ''}
</div>
${dataTable(
  'Vesting schedule: when each unvested tranche vests',
  [
    {
      header: 'Issued at the close of',
      cell: (t: VestingTranche) => markup`<span class="nowrap">${t.periodId}</span>`,
    },
    { header: 'Units', cell: (t) => fmt.integer(t.units), numeric: true },
    { header: 'Vests at', cell: (t) => when(ctx, open, t.closesUntil, 'the next close') },
  ],
  input.vesting.unvested,
  'No unvested units: everything issued to you has vested.',
)}
</section>
<section aria-labelledby="capital-title">
<h2 id="capital-title">Capital account</h2>
<div class="grid">
${stat('Capital account', money(account.capitalCents), 'Retained patronage, paid back when each vintage revolves.')}
${stat('Membership share', money(account.sharePaidCents), 'Paid in at par; redeemed at par if you leave.')}
</div>
${dataTable(
  'Capital account by vintage, and when each revolves',
  [
    {
      header: 'Vintage',
      cell: (v: CoopAccountModel['capital'][number]) => markup`<span class="nowrap">${v.vintage}</span>`,
    },
    { header: 'Retained', cell: (v) => money(v.retainedCents), numeric: true },
    { header: 'Redeemed', cell: (v) => money(v.redeemedCents), numeric: true },
    { header: 'Balance', cell: (v) => money(v.balanceCents), numeric: true },
    {
      header: 'Revolves',
      cell: (v) =>
        v.periodsUntilRevolved === null
          ? 'Redeemed'
          : when(ctx, open, v.periodsUntilRevolved, 'At the next payout run'),
    },
  ],
  account.capital,
  'Nothing retained yet.',
)}
</section>
<section aria-labelledby="cash-title">
<h2 id="cash-title">Cash</h2>
<div class="grid">
${stat('Received', money(account.paidOutCents), 'Everything payout runs paid you.')}
${stat('Payable', money(account.payableCents), 'Paid by a payout run once it reaches the minimum payout.')}
${stat('Cash patronage allocated', money(account.cashAllocatedCents), 'Over all closed periods.')}
${stat('Redemptions payable', money(account.redemptionPayableCents), 'Revolved capital and a redeemed share.')}
</div>
</section>`;
}

function poolReasons(ctx: MemberContext, currency: string, allocation: CoopAllocationModel): SafeHtml {
  const { fmt } = ctx;
  return markup`<ul class="reasons">${allocation.pools.map(
    (pool) =>
      markup`<li><strong>${pool.pool}</strong>: ${fmt.integer(pool.weight)} of ${fmt.integer(pool.basis)} ${
        pool.pool === 'EQUITY' ? 'vested units' : 'points'
      } of a pool of ${fmt.money(pool.poolAmountCents, currency)} (${fmt.percent(pool.poolBps / 10_000, 2)} of patronage) → ${fmt.money(
        pool.amountCents,
        currency,
      )}</li>`,
  )}</ul>`;
}

function history(ctx: MemberContext, input: OwnershipInput): SafeHtml {
  const { fmt } = ctx;
  const money = (cents: number) => fmt.money(cents, input.currency);
  const oldestFirst = [...input.allocations].reverse();
  if (!oldestFirst.length) {
    return markup`<section aria-labelledby="history-title"><h2 id="history-title">Allocation history</h2>
<p class="muted">No period has closed with an allocation for you yet. After the first close you take part in, your units and patronage appear here, period by period.</p></section>`;
  }
  const labels = oldestFirst.map((a) => a.periodId);
  const totalCents = oldestFirst.reduce((sum, a) => sum + a.allocationCents, 0);
  const totalUnits = oldestFirst.reduce((sum, a) => sum + a.units, 0);
  const span = `${labels[0]} to ${labels[labels.length - 1]}`;
  return markup`<section aria-labelledby="history-title">
<h2 id="history-title">Allocation history</h2>
${stackedBars({
  summary: `Patronage per period, ${span}: ${money(totalCents)} in ${fmt.integer(labels.length)} periods, cash and retained.`,
  labels,
  series: [
    { label: 'Cash', values: oldestFirst.map((a) => a.cashCents) },
    { label: 'Retained (capital account)', values: oldestFirst.map((a) => a.retainedCents) },
  ],
  formatMax: money,
  caption: 'Patronage per period (cash below, retained above). The table below has every figure.',
})}
${stackedBars({
  summary: `Equity units issued per period, ${span}: ${fmt.integer(totalUnits)} units in ${fmt.integer(labels.length)} periods.`,
  labels,
  series: [{ label: 'Units issued', values: oldestFirst.map((a) => a.units) }],
  firstSeries: 3,
  formatMax: (value) => fmt.integer(value),
  caption: 'Units issued per period.',
})}
${dataTable(
  'Allocation per closed period, newest first, with the reason for each amount',
  [
    {
      header: 'Period',
      cell: (a: CoopAllocationModel) => markup`<a class="nowrap" href="/coop/periods/${a.periodId}">${a.periodId}</a>`,
    },
    { header: 'Why (points per pool, pool share)', cell: (a) => poolReasons(ctx, input.currency, a) },
    { header: 'Allocation', cell: (a) => money(a.allocationCents), numeric: true },
    { header: 'Cash', cell: (a) => money(a.cashCents), numeric: true },
    { header: 'Retained', cell: (a) => money(a.retainedCents), numeric: true },
    { header: 'Units', cell: (a) => fmt.integer(a.units), numeric: true },
  ],
  input.allocations,
)}
${input.moreAllocations ? markup`<p class="muted">Older periods are on <a href="/transparency">the transparency pages</a>.</p>` : ''}
</section>`;
}

/** `/ownership`: what the member owns, how it was earned, and when it vests or revolves. */
export function ownershipBody(ctx: MemberContext, input: OwnershipInput): SafeHtml {
  const member = input.membership;
  const admitted = member && member.status !== 'pending';
  return markup`<h1>What I own</h1>
${ownershipNav('/ownership')}
${!admitted || member.status === 'withdrawn' || member.status === 'expelled' ? notAMember(ctx, member) : ''}
${admitted && input.account ? holdings(ctx, input, input.account) : ''}
${admitted ? history(ctx, input) : ''}`;
}
