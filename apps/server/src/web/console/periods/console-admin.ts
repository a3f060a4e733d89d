import type { FastifyReply } from 'fastify';
import { markup, type SafeHtml } from '../../../pages/html';
import type { WebApp } from '../../web-app';
import type { MemberContext, WebContext } from '../../web-context';

import { refuseNonAdmin, refuseNonStaff } from '../console-gate';

export { consoleNav } from '../console-nav';

/**
 * The admin gate of the period, payout and capital pages: GraphQL's @Roles(Role.Admin) on
 * closePeriod, runPayouts, redeemVintages, setCapitalPolicy and coopPayables. Signed out → sign
 * in; a member or a moderator → 403. Returns the reply when refused, null when the admin may go on.
 */
export function refuseUnlessAdmin(web: WebApp, reply: FastifyReply, ctx: WebContext): FastifyReply | null {
  return (
    refuseNonStaff(web, reply, ctx) ??
    refuseNonAdmin(web, reply, ctx as MemberContext, 'close periods, run payouts or set the capital policy')
  );
}

export type AdminContext = MemberContext;

/** A hash, breakable on a phone. */
export function hash(value: string | null | undefined): SafeHtml {
  return value ? markup`<code class="hash">${value}</code>` : markup`<span class="muted">none</span>`;
}

/** Basis points as a percentage (2500 → 25%). */
export function bps(ctx: WebContext, value: number): string {
  return ctx.fmt.percent(value / 10_000, 2);
}
