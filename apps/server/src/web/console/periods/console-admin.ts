import { markup, type SafeHtml } from '../../../pages/html';
import type { MemberContext, WebContext } from '../../web-context';

export { consoleNav } from '../console-nav';

export type AdminContext = MemberContext;

/** A hash, breakable on a phone. */
export function hash(value: string | null | undefined): SafeHtml {
  return value ? markup`<code class="hash">${value}</code>` : markup`<span class="muted">none</span>`;
}

/** Basis points as a percentage (2500 → 25%). */
export function bps(ctx: WebContext, value: number): string {
  return ctx.fmt.percent(value / 10_000, 2);
}
