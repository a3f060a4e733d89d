import { markup, type SafeHtml } from '../html';

/** Inline SVG charts for the period page: no scripts, no external resources (the page CSP allows them). */
export interface Bar {
  label: string;
  value: number;
  color: string;
}

const WIDTH = 600;
const round = (n: number) => Math.round(n * 10) / 10;

/** One bar split into its parts, proportional to their values, with a legend. */
export function stackedBar(title: string, parts: Bar[]): SafeHtml {
  const total = parts.reduce((sum, p) => sum + Math.max(p.value, 0), 0);
  let x = 0;
  const rects = parts.map((part, i) => {
    const width = total > 0 ? (Math.max(part.value, 0) / total) * WIDTH : 0;
    const rect = markup`<rect x="${round(x)}" y="0" width="${round(width)}" height="32" fill="${part.color}"><title>${part.label}: ${Math.round((Math.max(part.value, 0) / (total || 1)) * 1000) / 10}%</title></rect><rect x="${i * 200}" y="44" width="12" height="12" fill="${part.color}"/><text x="${i * 200 + 18}" y="55" font-size="13" fill="currentColor">${part.label}</text>`;
    x += width;
    return rect;
  });
  return markup`<figure><svg role="img" aria-label="${title}" viewBox="0 0 ${WIDTH} 64" width="${WIDTH}" height="64" xmlns="http://www.w3.org/2000/svg"><title>${title}</title>${rects}</svg></figure>`;
}

/** Horizontal bars, one per item, scaled to the largest. */
export function barChart(title: string, bars: Bar[]): SafeHtml {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowHeight = 26;
  const labelWidth = 140;
  const rows = bars.map((bar, i) => {
    const width = (Math.max(bar.value, 0) / max) * (WIDTH - labelWidth - 10);
    const y = i * rowHeight;
    return markup`<text x="0" y="${y + 17}" font-size="13" fill="currentColor">${bar.label}</text><rect x="${labelWidth}" y="${y + 4}" width="${round(width)}" height="18" fill="${bar.color}"><title>${bar.label}: ${bar.value}</title></rect>`;
  });
  const height = Math.max(rowHeight, bars.length * rowHeight);
  return markup`<figure><svg role="img" aria-label="${title}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title>${title}</title>${rows}</svg></figure>`;
}

export const HISTOGRAM_BINS = 20;

const members = (n: number) => `${n} member${n === 1 ? '' : 's'}`;

/** How many values fall in each of HISTOGRAM_BINS equal ranges from 0 to the largest value. */
export function bins(values: readonly number[], count = HISTOGRAM_BINS): { from: number; to: number; n: number }[] {
  const max = Math.max(0, ...values);
  const width = Math.max(1, Math.ceil((max + 1) / count));
  const out = Array.from({ length: count }, (_, i) => ({ from: i * width, to: (i + 1) * width - 1, n: 0 }));
  for (const value of values) out[Math.min(count - 1, Math.floor(Math.max(value, 0) / width))].n++;
  return out;
}

/** A histogram of `values` (members per allocation range). */
export function histogram(title: string, values: readonly number[], format: (n: number) => string): SafeHtml {
  if (!values.length) return markup`<p class="muted">No member was allocated anything.</p>`;
  const counted = bins(values);
  const top = Math.max(1, ...counted.map((b) => b.n));
  const height = 160;
  const barWidth = WIDTH / counted.length;
  const rects = counted.map((bin, i) => {
    const h = (bin.n / top) * (height - 20);
    return markup`<rect x="${round(i * barWidth + 1)}" y="${round(height - 20 - h)}" width="${round(barWidth - 2)}" height="${round(h)}" fill="#4f46e5"><title>${format(bin.from)} to ${format(bin.to)}: ${members(bin.n)}</title></rect>`;
  });
  const last = counted[counted.length - 1];
  return markup`<figure><svg role="img" aria-label="${title}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title>${title}</title>${rects}<text x="0" y="${height - 4}" font-size="12" fill="currentColor">0</text><text x="${WIDTH}" y="${height - 4}" font-size="12" text-anchor="end" fill="currentColor">${format(last.to)}</text></svg><figcaption class="muted">Members by allocation (${counted.length} equal ranges; tallest: ${members(top)})</figcaption></figure>`;
}
