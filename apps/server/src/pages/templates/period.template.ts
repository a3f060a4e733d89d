import type { PeriodPageData } from '@guildhall/coop';
import { markup, type SafeHtml } from '../html';
import { layout } from './layout.template';
import { barChart, histogram, type Bar, stackedBar } from './period-charts';

/** Cents as a currency-neutral amount with two decimals: 123456 → "1,234.56". */
export function money(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}${units}.${String(abs % 100).padStart(2, '0')}`;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

export interface PeriodPageLinks {
  snapshot: string;
  result: string;
}

/** A closed period's public transparency page: the split, the pools, the allocations, the hashes. */
export function periodPage({ period, parameters, result }: PeriodPageData, links: PeriodPageLinks): SafeHtml {
  // A pool with an empty basis sends its amount to the reserve (counted in reserve.allocated):
  // the split shows what the members were allocated, so its parts add up to the distributable.
  const allocated = result.members.reduce((sum, m) => sum + m.allocation, 0);
  const unallocated = result.patronage - allocated;
  const split: Bar[] = [
    { label: 'Reserve', value: result.reserve.allocated, color: '#0f766e' },
    { label: 'Commons', value: result.commons.allocated, color: '#b45309' },
    { label: 'Patronage', value: allocated, color: '#4f46e5' },
  ];
  const poolNames = Object.keys(result.pools).sort();
  const pools: Bar[] = poolNames.map((name) => ({ label: name, value: result.pools[name].amount, color: '#4f46e5' }));
  const poolRows = poolNames.map((name) => {
    const pool = result.pools[name];
    return markup`<tr><th scope="row">${name}</th><td>${(parameters.pools[name] ?? 0) / 100}%</td><td class="num">${money(pool.amount)}</td><td class="num">${pool.basis}</td><td class="num">${money(pool.unallocated)}</td></tr>`;
  });
  const allocations = result.members.map((m) => m.allocation);
  const cash = result.members.reduce((sum, m) => sum + m.cash, 0);
  const retained = result.members.reduce((sum, m) => sum + m.retained, 0);
  return layout({
    title: `Period ${period.id} — transparency`,
    head: markup`<style>table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid var(--line)}td.num{text-align:right;font-variant-numeric:tabular-nums}code{overflow-wrap:anywhere;font-size:.85rem}svg{max-width:100%;height:auto}</style>`,
    body: [
      markup`<header><h1>Period ${period.id}</h1><p class="muted"><time datetime="${period.start.toISOString()}">${day(period.start)}</time> to <time datetime="${period.end.toISOString()}">${day(period.end)}</time>, closed <time datetime="${period.closedAt.toISOString()}">${day(period.closedAt)}</time></p></header>`,
      markup`<section><h2>Surplus</h2><dl class="fields"><dt>Net</dt><dd>${money(result.net)}</dd><dt>Loss cleared</dt><dd>${money(result.lossCleared)}</dd><dt>Distributable</dt><dd>${money(result.distributable)}</dd></dl>`,
      result.distributable > 0
        ? stackedBar('How the surplus was split', split)
        : markup`<p class="muted">No surplus to split this period.</p>`,
      markup`<dl class="fields"><dt>Reserve</dt><dd>${money(result.reserve.allocated)} (closing ${money(result.reserve.closing)})</dd><dt>Commons</dt><dd>${money(result.commons.allocated)} (closing ${money(result.commons.closing)})</dd><dt>Patronage</dt><dd>${money(result.patronage)} to the pools${unallocated ? markup`, ${money(unallocated)} of it unallocated (to the reserve)` : null}; ${money(allocated)} to members: ${money(cash)} in cash, ${money(retained)} retained</dd><dt>Units issued</dt><dd>${result.unitsIssued}</dd></dl></section>`,
      markup`<section><h2>Pools</h2>${barChart('Patronage by pool', pools)}<table><thead><tr><th>Pool</th><th>Share</th><th>Amount</th><th>Basis</th><th>Unallocated</th></tr></thead><tbody>${poolRows}</tbody></table></section>`,
      markup`<section><h2>Allocations</h2><p>${result.members.length} members allocated ${money(allocated)}.</p>${histogram('Members by allocation', allocations, money)}</section>`,
      markup`<section><h2>Verify it</h2><p>Anyone can re-run the published snapshot with <code>guildhall coop replay snapshot.json</code> and compare.</p><dl class="fields"><dt>Input hash</dt><dd><code class="input-hash">${period.inputHash}</code></dd><dt>Output hash</dt><dd><code class="output-hash">${period.outputHash}</code></dd></dl><p><a href="${links.snapshot}">snapshot.json</a> · <a href="${links.result}">result.json</a></p></section>`,
    ],
  });
}
