import { markup, type SafeHtml } from '../../pages/html';

export interface BarSeries {
  label: string;
  /** One value per period (≥ 0), in the order of the chart's labels. */
  values: readonly number[];
}

export interface BarChartInput {
  /** What the chart shows, read out by screen readers (role="img"). */
  summary: string;
  /** The x labels (periods, oldest first). */
  labels: readonly string[];
  /** Stacked bottom to top; colours series-1, series-2, … */
  series: readonly BarSeries[];
  /** How the largest stack is written beside the axis (e.g. as money). */
  formatMax: (value: number) => string;
  caption: string;
  /** The colour class of the first series (1–4), the next ones following it. */
  firstSeries?: number;
}

const WIDTH = 720;
const HEIGHT = 220;
const LEFT = 64;
const RIGHT = 8;
const TOP = 12;
const BOTTOM = 28;

/**
 * A stacked bar chart as inline SVG (no script, no style attribute: colours come from the
 * stylesheet's series classes), with a legend; the same numbers are in the page's table.
 */
export function stackedBars(input: BarChartInput): SafeHtml {
  const n = input.labels.length;
  const totals = input.labels.map((_, i) => input.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(0, ...totals);
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = n > 0 ? plotWidth / n : plotWidth;
  // A few periods must not become wall-wide slabs: bars are at most 48 units wide.
  const barWidth = Math.max(1, Math.min(slot * 0.75, 48));
  const centre = (i: number) => LEFT + i * slot + slot / 2;
  const scale = (value: number) => (max > 0 ? (value / max) * plotHeight : 0);
  const colour = (s: number) => String((((input.firstSeries ?? 1) - 1 + s) % 4) + 1);
  const bars: SafeHtml[] = [];
  for (let i = 0; i < n; i++) {
    let base = TOP + plotHeight;
    input.series.forEach((series, s) => {
      const height = scale(series.values[i] ?? 0);
      if (height <= 0) return;
      base -= height;
      bars.push(
        markup`<rect class="series-${colour(s)}" x="${(LEFT + i * slot + (slot - barWidth) / 2).toFixed(2)}" y="${base.toFixed(2)}" width="${barWidth.toFixed(2)}" height="${height.toFixed(2)}"></rect>`,
      );
    });
  }
  const first = input.labels[0] ?? '';
  const last = input.labels[n - 1] ?? '';
  return markup`<figure class="chart">
<svg viewBox="0 0 ${String(WIDTH)} ${String(HEIGHT)}" role="img" aria-label="${input.summary}" focusable="false">
<title>${input.summary}</title>
<line class="axis" x1="${String(LEFT)}" y1="${String(TOP + plotHeight)}" x2="${String(WIDTH - RIGHT)}" y2="${String(TOP + plotHeight)}"></line>
<line class="axis" x1="${String(LEFT)}" y1="${String(TOP)}" x2="${String(LEFT)}" y2="${String(TOP + plotHeight)}"></line>
<text x="${String(LEFT - 6)}" y="${String(TOP + 10)}" text-anchor="end">${input.formatMax(max)}</text>
<text x="${String(LEFT - 6)}" y="${String(TOP + plotHeight)}" text-anchor="end">0</text>
${bars}
${
  n === 1
    ? markup`<text x="${centre(0).toFixed(2)}" y="${String(HEIGHT - 8)}" text-anchor="middle">${first}</text>`
    : markup`<text x="${String(LEFT)}" y="${String(HEIGHT - 8)}">${first}</text>
<text x="${String(WIDTH - RIGHT)}" y="${String(HEIGHT - 8)}" text-anchor="end">${last}</text>`
}
</svg>
<figcaption>${input.caption}</figcaption>
<ul class="legend">${input.series.map(
    (series, s) => markup`<li><span class="swatch series-${colour(s)}"></span>${series.label}</li>`,
  )}</ul>
</figure>`;
}
