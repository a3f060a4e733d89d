import type {
  BudgetShare,
  ContributionPreviewData,
  ContributionType,
  ExplainedEvent,
  MemberExplanation,
  TypePoints,
} from '@guildhall/coop';
import { markup, type SafeHtml } from '../../pages/html';
import { dataTable, stat } from '../web-components';
import type { MemberContext } from '../web-context';
import { ownershipNav } from './ownership.template';

/** At most this many events are listed (newest last); the totals always count every one. */
export const LISTED_EVENTS = 500;

const TYPE_NAMES: Record<string, string> = {
  PUBLISHED: 'Post published',
  ENGAGED: 'Like, boost or reply received',
  CURATED: "Boost of another member's post",
  MODERATED: 'Report upheld',
  SPENT: 'Payment',
};

const REVERSAL_REASONS: Record<string, string> = {
  PUBLISHED: 'the post was deleted',
  ENGAGED: 'the like or boost was undone, or the reply deleted',
  CURATED: 'the boost was undone',
  SPENT: 'the payment was reversed',
};

const typeName = (type: string) => TYPE_NAMES[type] ?? type;

function actorName(actor: string | null): string {
  if (!actor) return '';
  return actor.startsWith('instance:') ? `the server ${actor.slice('instance:'.length)}` : `@${actor}`;
}

function ruleText(ctx: MemberContext, definition: ContributionType): string {
  const { fmt } = ctx;
  switch (definition.rule) {
    case 'count':
      return `${fmt.integer(definition.points)} points each${definition.cap === null ? '' : `, up to ${fmt.integer(definition.cap)}`}`;
    case 'amount':
      return `${fmt.integer(definition.points)} point per cent paid${definition.cap === null ? '' : `, up to ${fmt.integer(definition.cap)}`}`;
    case 'budget':
      return `each member has ${fmt.integer(definition.budget)} points to share over the people they engage with`;
  }
}

function ineligibility(ctx: MemberContext, explanation: MemberExplanation, minAgeDays: number): string {
  if (explanation.status !== 'active') return `your membership is ${explanation.status}`;
  return `members count from ${ctx.fmt.integer(minAgeDays)} days after joining, and the period ends before that for you (you count from ${ctx.fmt.dateTime(explanation.oldEnoughAt)})`;
}

function outcomeText(
  ctx: MemberContext,
  event: ExplainedEvent,
  explanation: MemberExplanation,
  types: Record<string, ContributionType>,
  minAgeDays: number,
): SafeHtml {
  switch (event.outcome) {
    case 'counted':
      return markup`<span class="badge ok">Counts</span>`;
    case 'engaged':
      return markup`<span class="badge ok">Counts</span> toward ${actorName(event.actor)}'s budget`;
    case 'over-cap': {
      const definition = types[event.type];
      const cap = definition.rule === 'budget' ? 0 : (definition.cap ?? 0);
      return markup`<span class="badge">Not counted</span> the cap of ${ctx.fmt.integer(cap)} points is reached`;
    }
    case 'reversed':
      return markup`<span class="badge danger">Reversed</span> ${REVERSAL_REASONS[event.type] ?? 'a reversal removed it'}`;
    case 'redelivered':
      return markup`<span class="badge">Counted once</span> delivered twice`;
    case 'member-ineligible':
      return markup`<span class="badge danger">Not counted</span> ${ineligibility(ctx, explanation, minAgeDays)}`;
    case 'self-engagement':
      return markup`<span class="badge">Not counted</span> engagement with your own post`;
    case 'actor-ineligible':
      return event.actor?.startsWith('instance:')
        ? markup`<span class="badge">Not counted</span> ${actorName(event.actor)} is not a federated server this period`
        : markup`<span class="badge">Not counted</span> ${actorName(event.actor)} is not eligible this period (too new a member, or not active)`;
  }
}

function objectCell(event: ExplainedEvent, fmtAmount: (cents: number) => string): SafeHtml | string {
  if (event.type === 'SPENT' && event.amount !== null) return fmtAmount(event.amount);
  if (event.object && ['PUBLISHED', 'ENGAGED', 'CURATED'].includes(event.type)) {
    return markup`<a href="/posts/${event.object}">post</a>`;
  }
  return '';
}

export interface ContributionsInput {
  currency: string;
  preview: ContributionPreviewData;
}

function explained(ctx: MemberContext, input: ContributionsInput, explanation: MemberExplanation): SafeHtml {
  const { fmt } = ctx;
  const period = input.preview.period!;
  const types = period.parameters.contributionTypes;
  const minAgeDays = period.parameters.minMemberAgeDays;
  const bps = period.parameters.pools;
  const pools = Object.keys(bps)
    .filter((pool) => pool !== 'EQUITY')
    .sort((a, b) => bps[b] - bps[a] || (a < b ? -1 : 1));
  const rank = new Map(pools.map((pool, i) => [pool, i]));
  const byType = [...explanation.byType].sort(
    (a, b) => (rank.get(a.pool) ?? 0) - (rank.get(b.pool) ?? 0) || (a.type < b.type ? -1 : 1),
  );
  const listed = explanation.events.slice(-LISTED_EVENTS);
  const reversed = explanation.events.filter((e) => e.outcome === 'reversed').length;
  const notCounted = explanation.events.filter(
    (e) => !['counted', 'engaged', 'reversed', 'redelivered'].includes(e.outcome),
  ).length;
  return markup`${
    explanation.eligible
      ? ''
      : markup`<p class="notice warn" role="status">Nothing counts for you this period: ${ineligibility(ctx, explanation, minAgeDays)}.</p>`
  }
<section aria-labelledby="points-title">
<h2 id="points-title">Points so far</h2>
<div class="grid">
${pools.map((pool) => stat(`${pool} pool`, fmt.integer(explanation.points[pool] ?? 0), `${fmt.percent((period.parameters.pools[pool] ?? 0) / 10_000)} of patronage`))}
</div>
<p class="muted small">${fmt.integer(explanation.events.length)} events · ${fmt.integer(reversed)} reversed · ${fmt.integer(notCounted)} not counted.
Your share of each pool is your points over everyone's, at the close.</p>
${dataTable(
  'Points by kind of contribution, with the rule of this period',
  [
    { header: 'Kind', cell: (t: TypePoints) => typeName(t.type) },
    { header: 'Rule', cell: (t) => ruleText(ctx, types[t.type]) },
    { header: 'Pool', cell: (t) => t.pool },
    { header: 'Points', cell: (t) => fmt.integer(t.points), numeric: true },
  ],
  byType,
)}
</section>
<section aria-labelledby="budgets-title">
<h2 id="budgets-title">Engagement received</h2>
${dataTable(
  'What each member or server that engaged with you gives you from its budget',
  [
    { header: 'From', cell: (b: BudgetShare) => actorName(b.actor) },
    { header: 'Your posts', cell: (b) => fmt.integer(b.objects), numeric: true },
    { header: 'Their budget', cell: (b) => fmt.integer(b.budget), numeric: true },
    { header: 'Your share', cell: (b) => fmt.integer(b.points), numeric: true },
  ],
  explanation.budgets,
  'No counted engagement yet this period.',
)}
<p class="muted small">A budget is shared over everyone its holder engaged with, by the number of their posts it engaged with: a like and a boost of one post count once.</p>
</section>
<section aria-labelledby="events-title">
<h2 id="events-title">Every event</h2>
${explanation.events.length > LISTED_EVENTS ? markup`<p class="muted">The latest ${fmt.integer(LISTED_EVENTS)} events are listed; the points count all ${fmt.integer(explanation.events.length)}.</p>` : ''}
${dataTable(
  'Each contribution recorded for you this period, and whether it counts',
  [
    { header: 'What', cell: (e: ExplainedEvent) => typeName(e.type) },
    { header: 'On', cell: (e) => objectCell(e, (cents) => fmt.money(cents, input.currency)) },
    { header: 'From', cell: (e) => actorName(e.actor) },
    { header: 'Counted?', cell: (e) => outcomeText(ctx, e, explanation, types, minAgeDays) },
    { header: 'Points', cell: (e) => (e.points === null ? '' : fmt.integer(e.points)), numeric: true },
  ],
  listed,
  'Nothing recorded for you yet this period: posts, replies and engagement on your posts show up here.',
)}
</section>`;
}

/** `/ownership/contributions`: this open period's contributions, as the close would count them. */
export function contributionsBody(ctx: MemberContext, input: ContributionsInput): SafeHtml {
  const { period, explanation } = input.preview;
  const head = markup`<h1>This period's contributions</h1>${ownershipNav('/ownership/contributions')}`;
  if (!period)
    return markup`${head}<p class="muted">No period is open yet: the first one opens with the first close.</p>`;
  const intro = markup`<p>Period <strong>${period.id}</strong>, ${ctx.fmt.date(period.startsAt)} to ${ctx.fmt.date(period.endsAt)}.
These are the figures so far, scored by this period's rules as the close would if the period ended on schedule.</p>`;
  if (!explanation) {
    return markup`${head}${intro}<div class="panel"><p>Only members' contributions count. <a href="/membership">Membership</a></p></div>`;
  }
  return markup`${head}${intro}${explained(ctx, input, explanation)}`;
}
