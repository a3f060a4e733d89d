import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ReportAction, type ReportEntity, ReportService } from '@guildhall/federation';
import { AccountRepository, Public } from '@guildhall/identity';
import { encodeCursor } from '@guildhall/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { markup } from '../../../pages/html';
import { field } from '../../../pages/oauth/oauth-page';
import { type FormBody, WebApp } from '../../web-app';
import { staffContext, staffForm } from '../console-gate';
import { handleOf } from './moderation-page';
import { type ReportView, reportsBody, suspendFromReportQuestion } from './reports.template';

const BACK = markup`<a href="/console/reports">Back to reports</a>`;
const PAGE_SIZE = 20;
const ACTIONS: readonly string[] = Object.values(ReportAction);
const isAction = (value: string): value is ReportAction => ACTIONS.includes(value);

/**
 * `/console/reports`: the reports queue (open by default, or resolved), with the reported posts,
 * and resolving (dismiss; suspend the account and close, after a confirmation). Moderators and
 * admins, as GraphQL's reports/resolveReport; ReportService does the work and the audit record.
 */
@Controller('console/reports')
export class ReportsController {
  constructor(
    private readonly web: WebApp,
    private readonly reports: ReportService,
    private readonly accounts: AccountRepository,
  ) {}

  @Public()
  @Get()
  async list(
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await staffContext(this.web, request, reply);
    if (!ctx) return reply;
    const resolved = field(query, 'state') === 'resolved';
    try {
      const page = await this.reports.page({ resolved, first: PAGE_SIZE, after: field(query, 'after') || null });
      const reports = await this.views(page.items);
      const last = page.items[page.items.length - 1];
      const next = page.hasNextPage && last ? encodeCursor(last.id) : null;
      return this.web.send(reply, ctx, {
        title: resolved ? 'Resolved reports' : 'Reports',
        section: 'console',
        body: reportsBody(ctx, { resolved, reports, next }),
      });
    } catch (error) {
      return this.web.refused(reply, ctx, error, 'console', BACK);
    }
  }

  @Public()
  @Post('resolve')
  async resolve(
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await staffForm(this.web, request, reply, body);
    if (!ctx) return reply;
    const action = field(body, 'action');
    if (!isAction(action)) {
      return this.web.send(reply, ctx, {
        status: 422,
        title: 'Not done',
        section: 'console',
        body: markup`<h1>Not done</h1><p class="notice error" role="alert">Choose to dismiss the report or suspend the account.</p><p>${BACK}</p>`,
      });
    }
    const report = await this.reports.findById(field(body, 'id'));
    if (!report) return this.web.notFound(reply, ctx, 'There is no such report.');
    try {
      if (action === ReportAction.SUSPEND_ACCOUNT && !this.web.confirmed(body)) {
        const target = await this.accounts.findById(report.targetAccountId);
        if (!target) return this.web.notFound(reply, ctx, 'The reported account is gone.');
        return this.web.confirm(reply, ctx, {
          title: `Suspend ${handleOf(target)}?`,
          section: 'console',
          question: suspendFromReportQuestion(target),
          action: '/console/reports/resolve',
          fields: { id: report.id, action },
          confirmLabel: `Suspend ${handleOf(target)} and close the report`,
          cancelHref: '/console/reports',
        });
      }
      await this.reports.resolve(ctx.signedIn.auth, report.id, action);
      const done = action === ReportAction.DISMISS ? 'Report dismissed.' : 'Account suspended and report closed.';
      return this.web.redirect(reply, '/console/reports', done);
    } catch (error) {
      return this.web.refused(reply, ctx, error, 'console', BACK);
    }
  }

  /** The accounts and posts each report names, loaded together for the page. */
  private async views(reports: ReportEntity[]): Promise<ReportView[]> {
    const ids = new Set<string>();
    for (const report of reports) {
      for (const id of [report.targetAccountId, report.reporterId, report.resolvedById]) if (id) ids.add(id);
    }
    const accounts = new Map((await this.accounts.findByIds([...ids])).map((account) => [account.id, account]));
    const of = (id: string | null) => (id ? (accounts.get(id) ?? null) : null);
    return Promise.all(
      reports.map(async (report) => ({
        report,
        target: of(report.targetAccountId),
        reporter: of(report.reporterId),
        resolvedBy: of(report.resolvedById),
        posts: await this.reports.postsOf(report),
      })),
    );
  }
}
