import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { PeriodService } from '@guildhall/coop';
import { Public } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { markup } from '../../../pages/html';
import { field } from '../../../pages/oauth/oauth-page';
import { type FormBody, WebApp } from '../../web-app';
import { errorBody } from '../../web-components';
import type { WebContext } from '../../web-context';
import { adminContext, staffForm, ADMIN_ONLY } from '../console-gate';
import { closeQuestion, periodsBody, previewBody } from './periods.template';

const PERIOD_ID = /^\d{4}-\d{2}(\.\d{1,6})?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HASH = /^[0-9a-f]{64}$/;

/**
 * `/console/periods` (admins, as GraphQL's closePeriod): the open period, a preview of its close
 * (PeriodService.previewClose: nothing written) and the close itself, confirmed on the server,
 * ending the period at the preview's instant so that it posts what was previewed.
 */
@Controller('console/periods')
export class PeriodsController {
  constructor(
    private readonly web: WebApp,
    private readonly periods: PeriodService,
  ) {}

  /** Opens the first period when none is (as a close or a proposal would): the page shows it. */
  @Public()
  @Get()
  async show(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await adminContext(this.web, request, reply);
    if (!ctx) return reply;
    const status = await this.periods.openStatus();
    return this.web.send(reply, ctx, { title: 'Periods', section: 'console', body: periodsBody(ctx, status) });
  }

  @Public()
  @Get('preview')
  async preview(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await adminContext(this.web, request, reply);
    if (!ctx) return reply;
    try {
      const preview = await this.periods.previewClose();
      return this.web.send(reply, ctx, {
        title: `Preview: closing ${preview.period.id}`,
        section: 'console',
        body: previewBody(ctx, preview),
      });
    } catch (error) {
      return this.web.refused(reply, ctx, error, 'console', markup`<a href="/console/periods">Back to periods</a>`);
    }
  }

  @Public()
  @Post('close')
  async close(
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await staffForm(this.web, request, reply, body, ADMIN_ONLY);
    if (!ctx) return reply;
    const period = field(body, 'period');
    const asOfText = field(body, 'asOf');
    const previewHash = field(body, 'previewHash');
    if (!PERIOD_ID.test(period) || !INSTANT.test(asOfText) || !HASH.test(previewHash)) {
      return this.invalid(reply, ctx);
    }
    const asOf = new Date(asOfText);
    if (Number.isNaN(asOf.getTime())) return this.invalid(reply, ctx);
    if (!this.web.confirmed(body)) {
      return this.web.confirm(reply, ctx, {
        title: `Close ${period}?`,
        section: 'console',
        question: closeQuestion(ctx, period, asOf, previewHash),
        action: '/console/periods/close',
        fields: { period, asOf: asOfText, previewHash },
        confirmLabel: 'Close the period',
        cancelHref: '/console/periods',
      });
    }
    try {
      const outcome = await this.periods.close(period, { actorId: ctx.signedIn.account.id, asOf });
      const posted = outcome.result.outputHash;
      const notice = !outcome.posted
        ? `${period} was closed already: nothing was posted. Its output hash is ${posted}.`
        : posted === previewHash
          ? `Closed ${period}. Output hash ${posted}, the same as the preview.`
          : `Closed ${period}. Output hash ${posted}: it differs from the preview (${previewHash}) because activity was recorded after the preview.`;
      return this.web.redirect(reply, '/console/periods', notice);
    } catch (error) {
      return this.web.refused(
        reply,
        ctx,
        error,
        'console',
        markup`<a href="/console/periods/preview">Preview again</a>`,
      );
    }
  }

  private invalid(reply: FastifyReply, ctx: WebContext): FastifyReply {
    return this.web.send(reply, ctx, {
      status: 422,
      title: 'Not done',
      section: 'console',
      body: errorBody(
        'Not done',
        'This close does not come from a preview (period, time or hash missing or malformed): nothing was posted.',
        markup`<a href="/console/periods/preview">Preview the close</a>`,
      ),
    });
  }
}
