import { BYLAW_BOUNDS, type CoopProposalEntity, type LiveTally, type VoteChoiceName } from '@guildhall/coop';
import { markup, type SafeHtml } from '../../pages/html';
import { csrfField, dataTable, formError } from '../web-components';
import type { WebContext } from '../web-context';
import { type DiffRow, shownValue } from './parameter-fields';

/** One proposal as the pages show it: the diff, the count so far (or the decided tally), the reader's vote. */
export interface ProposalView {
  proposal: CoopProposalEntity;
  diff: DiffRow[];
  tally: LiveTally;
  electorate: number;
  myVote: VoteChoiceName | null;
  appliesFrom: { id: string | null; after: string | null; opened: boolean } | null;
}

export interface GovernanceListInput {
  open: ProposalView[];
  decided: ProposalView[];
  canVote: boolean;
}

const CHOICE_WORDS: Record<VoteChoiceName, string> = { YES: 'Yes', NO: 'No', ABSTAIN: 'Abstain' };

/** Votes needed for the quorum (≥ 20% of the active members), as `decide` counts it. */
export function quorumOf(electorate: number): number {
  return Math.ceil((electorate * BYLAW_BOUNDS.quorumBps) / 10_000);
}

/** A bar with no text of its own (the text beside it says the same); SVG, so no inline style. */
function bar(share: number, mark?: number): SafeHtml {
  const width = Math.max(0, Math.min(100, Math.round(share * 1000) / 10));
  const at = mark === undefined ? null : Math.max(0, Math.min(100, Math.round(mark * 1000) / 10));
  return markup`<svg class="meter" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect class="meter-track" width="100" height="6"></rect><rect class="meter-fill" width="${width}" height="6"></rect>${
    at === null ? '' : markup`<rect class="meter-mark" x="${Math.min(at, 99.4)}" width="0.6" height="6"></rect>`
  }</svg>`;
}

function isDecided(p: CoopProposalEntity): boolean {
  return p.status !== 'open';
}

function statusBadge(ctx: WebContext, p: CoopProposalEntity): SafeHtml {
  if (p.status === 'adopted') return markup`<span class="badge ok">Adopted</span>`;
  if (p.status === 'rejected') return markup`<span class="badge danger">Rejected</span>`;
  return p.closesAt.getTime() > Date.now()
    ? markup`<span class="badge">Open until ${ctx.fmt.dateTime(p.closesAt)}</span>`
    : markup`<span class="badge">Vote closed ${ctx.fmt.dateTime(p.closesAt)}, being counted</span>`;
}

/** Quorum and majority progress, as bars and the same in words. */
export function progress(ctx: WebContext, view: ProposalView): SafeHtml {
  const { yes, no, abstain } = view.tally;
  const voted = yes + no + abstain;
  const quorum = quorumOf(view.electorate);
  const decisive = yes + no;
  const fmt = ctx.fmt;
  const quorumText = `${fmt.integer(voted)} of ${fmt.integer(view.electorate)} votes, quorum ${fmt.integer(quorum)}`;
  const majorityText = decisive
    ? `${fmt.integer(yes)} yes, ${fmt.integer(no)} no (${fmt.percent(yes / decisive)} yes; more than 50% needed), ${fmt.integer(abstain)} abstained`
    : `No yes or no votes yet, ${fmt.integer(abstain)} abstained`;
  return markup`<div class="tally">
<p class="tally-line">${view.proposal.status === 'open' ? 'Votes so far: ' : 'Counted: '}${quorumText}${
    voted >= quorum && view.electorate > 0 ? ' (quorum met)' : ''
  }</p>
${bar(view.electorate ? voted / view.electorate : 0, view.electorate ? quorum / view.electorate : undefined)}
<p class="tally-line">Majority: ${majorityText}</p>
${bar(decisive ? yes / decisive : 0, 0.5)}
</div>`;
}

/** The parameter diff: old → new per field, with the bylaws' bounds beside each. */
export function diffTable(ctx: WebContext, view: ProposalView, caption: string): SafeHtml {
  const decided = isDecided(view.proposal);
  return dataTable(
    caption,
    [
      { header: 'Parameter', cell: (r: DiffRow) => r.field.label },
      {
        header: decided ? 'Set to' : 'Now → proposed',
        cell: (r) =>
          decided
            ? markup`<span class="diff-new">${shownValue(ctx.fmt, r.field, r.new)}</span>`
            : markup`<span class="diff-old">${shownValue(ctx.fmt, r.field, r.old)}</span> → <span class="diff-new">${shownValue(ctx.fmt, r.field, r.new)}</span>`,
      },
      { header: 'Bylaw bounds', cell: (r) => markup`<span class="small">${r.field.bounds(ctx.fmt)}</span>` },
    ],
    view.diff,
    'It changes nothing against the parameters adopted since.',
  );
}

function outcome(ctx: WebContext, view: ProposalView): SafeHtml {
  const p = view.proposal;
  if (!isDecided(p)) return markup``;
  const applies = view.appliesFrom;
  return markup`<p><strong>Result:</strong> ${p.outcome ?? ''}${p.decidedAt ? markup` (decided ${ctx.fmt.dateTime(p.decidedAt)})` : ''}.</p>
${
  applies
    ? applies.opened && applies.id
      ? markup`<p>Applies from period <strong>${applies.id}</strong> on.</p>`
      : markup`<p>Applies from the period after ${applies.after ?? 'the open one'}, once it closes.</p>`
    : ''
}`;
}

function myVoteLine(view: ProposalView, canVote: boolean): SafeHtml {
  if (view.myVote) return markup`<p>Your vote: <strong>${CHOICE_WORDS[view.myVote]}</strong></p>`;
  return canVote && view.proposal.status === 'open' ? markup`<p>You have not voted.</p>` : markup``;
}

function card(ctx: WebContext, view: ProposalView, canVote: boolean): SafeHtml {
  const p = view.proposal;
  const id = `proposal-${p.id}`;
  return markup`<article class="panel proposal" aria-labelledby="${id}">
<h3 id="${id}"><a href="/governance/proposals/${p.id}">${p.rationale ? p.rationale.split('\n')[0].slice(0, 120) : 'Proposal'}</a></h3>
<p>${statusBadge(ctx, p)} <span class="muted small">Proposed ${ctx.fmt.dateTime(p.createdAt)}</span></p>
${diffTable(ctx, view, 'What it changes')}
${progress(ctx, view)}
${myVoteLine(view, canVote)}
${outcome(ctx, view)}
</article>`;
}

export function governanceBody(ctx: WebContext, input: GovernanceListInput): SafeHtml {
  return markup`<h1>Governance</h1>
<p>One member, one vote on the parameters of the next periods, within the bylaws. A proposal is adopted with a quorum (at least ${ctx.fmt.percent(BYLAW_BOUNDS.quorumBps / 10_000)} of the active members voted) and more yes than no votes; it applies to the periods that open after it is decided.</p>
${input.canVote ? markup`<p><a class="button primary" href="/governance/new">Propose a change</a></p>` : markup`<p class="notice warn">Only active members of the co-op propose and vote. You can read every proposal.</p>`}
<section aria-labelledby="open-proposals">
<h2 id="open-proposals">Open proposals</h2>
${input.open.length ? input.open.map((v) => card(ctx, v, input.canVote)) : markup`<p class="muted">No proposal is open.</p>`}
</section>
<section aria-labelledby="decided-proposals">
<h2 id="decided-proposals">Recently decided</h2>
${input.decided.length ? input.decided.map((v) => card(ctx, v, input.canVote)) : markup`<p class="muted">Nothing decided yet.</p>`}
</section>`;
}

export interface ProposalPageInput {
  view: ProposalView;
  canVote: boolean;
  error?: string | null;
}

function voteForm(ctx: WebContext, view: ProposalView, error?: string | null): SafeHtml {
  const p = view.proposal;
  return markup`<form class="stack" method="post" action="/governance/proposals/${p.id}/vote">
${csrfField(ctx)}
${formError(error)}
<fieldset>
<legend>${view.myVote ? 'Change your vote' : 'Your vote'}</legend>
${(['YES', 'NO', 'ABSTAIN'] as const).map(
  (choice) =>
    markup`<label class="check"><input type="radio" name="choice" value="${choice}"${view.myVote === choice ? markup` checked` : ''} required> ${
      choice === 'ABSTAIN' ? 'Abstain (counts towards the quorum, not the majority)' : CHOICE_WORDS[choice]
    }</label>`,
)}
</fieldset>
<p class="hint">You can change your vote until ${ctx.fmt.dateTime(p.closesAt)}; your last vote counts.</p>
<div class="actions"><button type="submit" class="primary">${view.myVote ? 'Change my vote' : 'Vote'}</button></div>
</form>`;
}

export function proposalBody(ctx: WebContext, { view, canVote, error }: ProposalPageInput): SafeHtml {
  const p = view.proposal;
  const windowOpen = p.status === 'open' && p.closesAt.getTime() > Date.now();
  return markup`<p><a href="/governance">← All proposals</a></p>
<h1>Proposal</h1>
<p>${statusBadge(ctx, p)}</p>
<dl class="pairs">
<dt>Proposed</dt><dd>${ctx.fmt.dateTime(p.createdAt)}</dd>
<dt>${windowOpen ? 'Closes at' : 'Closed at'}</dt><dd>${ctx.fmt.dateTime(p.closesAt)}</dd>
</dl>
<h2>Why</h2>
${p.rationale ? markup`<p class="rationale">${p.rationale}</p>` : markup`<p class="muted">No rationale given.</p>`}
<h2>What it changes</h2>
${diffTable(ctx, view, p.status === 'open' ? 'Against the parameters the next period opens with' : 'The parameters it set')}
<h2>Votes</h2>
${progress(ctx, view)}
${myVoteLine(view, canVote)}
${outcome(ctx, view)}
${
  windowOpen && canVote
    ? voteForm(ctx, view, error)
    : markup`${formError(error)}${
        windowOpen
          ? markup`<p class="notice warn">Only active members of the co-op vote.</p>`
          : markup`<p class="muted">Voting has closed.</p>`
      }`
}`;
}
