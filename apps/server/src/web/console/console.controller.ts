import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { CapitalService, MembershipService, PaymentService, PeriodService } from '@guildhall/coop';
import { AuditLog, UUID_PATTERN } from '@guildhall/core';
import { ReportService } from '@guildhall/federation';
import { AccountService, Public } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { markup } from '../../pages/html';
import { WebApp } from '../web-app';
import { errorBody } from '../web-components';
import type { MemberContext } from '../web-context';
import { AUDIT_ACTIONS, auditBody } from './audit.template';
import { staffContext } from './console-gate';
import { overviewBody } from './overview.template';

const AUDIT_PAGE_SIZE = 50;

/** `/console` (what waits for the stewards) and `/console/audit` (the audit log). */
@Controller('console')
export class ConsoleController {
  constructor(
    private readonly web: WebApp,
    private readonly membership: MembershipService,
    private readonly periods: PeriodService,
    private readonly capital: CapitalService,
    private readonly payments: PaymentService,
    private readonly reports: ReportService,
    private readonly audit: AuditLog,
    private readonly accounts: AccountService,
  ) {}

  @Public()
  @Get()
  async overview(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await staffContext(this.web, request, reply);
    if (!ctx) return reply;
    const [counts, openReports, openPeriod, payableTotalCents] = await Promise.all([
      this.membership.counts(),
      this.reports.openCount(),
      this.periods.current(),
      this.capital.payableTotalCents(),
    ]);
    return this.web.send(reply, ctx, {
      title: "Stewards' console",
      section: 'console',
      body: overviewBody(ctx, {
        pendingApplications: counts.pending,
        openReports,
        members: counts.active + counts.inactive + counts.suspended,
        openPeriod,
        payableTotalCents,
        currency: this.payments.currency(),
      }),
    });
  }

  @Public()
  @Get('audit')
  async auditLog(
    @Query('action') action: string | undefined,
    @Query('before') before: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await staffContext(this.web, request, reply);
    if (!ctx) return reply;
    const filter = action || null;
    if (filter !== null && !(AUDIT_ACTIONS as readonly string[]).includes(filter)) {
      return this.badQuery(reply, ctx, 'Choose one of the listed actions.');
    }
    if (before && !UUID_PATTERN.test(before)) {
      return this.badQuery(reply, ctx, 'That page of the audit log does not exist.');
    }
    const page = await this.audit.page({ before: before ?? null, limit: AUDIT_PAGE_SIZE, action: filter });
    const actorIds = [...new Set(page.entries.map((entry) => entry.actorId).filter((id) => id !== null))];
    const actors = await Promise.all(actorIds.map((id) => this.accounts.findById(id)));
    const handles = new Map(actors.filter((a) => a !== null).map((a) => [a.id, a.username]));
    return this.web.send(reply, ctx, {
      title: 'Audit log',
      section: 'console',
      body: auditBody(ctx, { page, action: filter, handles, before: before ?? null }),
    });
  }

  private badQuery(reply: FastifyReply, ctx: MemberContext, message: string): FastifyReply {
    return this.web.send(reply, ctx, {
      status: 422,
      title: 'Not done',
      section: 'console',
      body: errorBody('Not done', message, markup`<a href="/console/audit">The whole audit log</a>`),
    });
  }
}
