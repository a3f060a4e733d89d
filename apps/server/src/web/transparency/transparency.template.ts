import { markup, type SafeHtml } from '../../pages/html';
import { dataTable } from '../web-components';
import type { WebContext } from '../web-context';

export interface PublishedPeriod {
  id: string;
  start: Date;
  end: Date;
  closedAt: Date;
  inputHash: string;
  outputHash: string;
}

export interface TransparencyInput {
  origin: string;
  periods: PublishedPeriod[];
  nextCursor: string | null;
  paged: boolean;
}

const api = (origin: string, id: string, part: 'snapshot' | 'result') =>
  `${origin}/api/v1/coop/periods/${encodeURIComponent(id)}/${part}.json`;

/** The commands that replay one close from what it published, to copy as they are. */
export function replayCommands(origin: string, period: PublishedPeriod): string {
  const file = period.id.replace(/[^A-Za-z0-9._-]/g, '_');
  return [
    `curl -fsS -o snapshot-${file}.json ${api(origin, period.id, 'snapshot')}`,
    `curl -fsS -o result-${file}.json ${api(origin, period.id, 'result')}`,
    `npx guildhall coop replay snapshot-${file}.json > replayed-${file}.json`,
    `grep -o '"inputHash":"[0-9a-f]*"' replayed-${file}.json    # "inputHash":"${period.inputHash}"`,
    `grep -o '"outputHash":"[0-9a-f]*"' replayed-${file}.json   # "outputHash":"${period.outputHash}"`,
  ].join('\n');
}

function periodCheck(ctx: WebContext, origin: string, period: PublishedPeriod): SafeHtml {
  return markup`<details class="replay">
<summary>Check period ${period.id} yourself</summary>
<dl class="pairs">
<dt>Snapshot</dt><dd><a href="${api(origin, period.id, 'snapshot')}">${api(origin, period.id, 'snapshot')}</a></dd>
<dt>Input hash</dt><dd><code class="hash">${period.inputHash}</code></dd>
<dt>Result</dt><dd><a href="${api(origin, period.id, 'result')}">${api(origin, period.id, 'result')}</a></dd>
<dt>Output hash</dt><dd><code class="hash">${period.outputHash}</code></dd>
</dl>
<pre tabindex="0"><code>${replayCommands(origin, period)}</code></pre>
</details>`;
}

/** The public index of closed periods, the ledger and how to check a close with `guildhall coop replay`. */
export function transparencyBody(ctx: WebContext, input: TransparencyInput): SafeHtml {
  const { periods, origin } = input;
  const fmt = ctx.fmt;
  return markup`<h1>Transparency</h1>
<p>Every period close is published: what went in (the snapshot, with members under per-period pseudonyms) and what came out (the result). Anyone can re-run a close and get the same result, to the cent, with the same hashes.</p>
<section aria-labelledby="periods">
<h2 id="periods">Closed periods</h2>
${dataTable(
  'Closed periods, newest first',
  [
    {
      header: 'Period',
      cell: (p: PublishedPeriod) => markup`<a href="/coop/periods/${encodeURIComponent(p.id)}">${p.id}</a>`,
    },
    { header: 'From', cell: (p) => fmt.date(p.start) },
    { header: 'To', cell: (p) => fmt.date(p.end) },
    { header: 'Closed', cell: (p) => fmt.dateTime(p.closedAt) },
    {
      header: 'Input hash',
      cell: (p) => markup`<code class="hash" title="${p.inputHash}">${p.inputHash.slice(0, 12)}…</code>`,
    },
    {
      header: 'Output hash',
      cell: (p) => markup`<code class="hash" title="${p.outputHash}">${p.outputHash.slice(0, 12)}…</code>`,
    },
  ],
  periods,
  'No period has closed yet.',
)}
<nav class="pager" aria-label="Closed periods pages">
${input.paged ? markup`<a href="/transparency">Newest periods</a>` : ''}
${input.nextCursor ? markup`<a href="/transparency?after=${encodeURIComponent(input.nextCursor)}" rel="next">Older periods</a>` : ''}
</nav>
</section>
<section aria-labelledby="ledger">
<h2 id="ledger">The ledger</h2>
<p><a class="button" href="/transparency/ledger.csv" download>Download the ledger (CSV)</a></p>
<p>Every posting of the closes, payouts and revolvings of the co-op's money and equity-unit ledgers, in order. A member appears only on their lines of a close's result, under that period's pseudonym, as in the published result; other members' lines are summed. Amounts are integer cents (money) or units; debits are positive, credits negative, and each entry sums to zero.</p>
</section>
<section aria-labelledby="check">
<h2 id="check">Check this close yourself</h2>
<p>With Node.js and a checkout of Guildhall (<code>npm ci</code>), download a period's published snapshot and replay it with <code>guildhall coop replay</code>: it needs no database and prints the result as JSON. Its <code>inputHash</code> and <code>outputHash</code> must be the ones published here, and the whole result must equal the published result.</p>
${periods.length ? periods.map((p) => periodCheck(ctx, origin, p)) : markup`<p class="muted">Once a period closes, its commands appear here.</p>`}
</section>`;
}
