import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { MembershipService } from '@guildhall/coop';
import { encodeCursor, InvalidCursorException } from '@guildhall/core';
import { Public } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { markup } from '../../pages/html';
import { field } from '../../pages/oauth/oauth-page';
import { type FormBody, WebApp } from '../web-app';
import { errorBody } from '../web-components';
import type { MemberContext } from '../web-context';
import { staffContext, staffForm } from './console-gate';
import { applicationsBody, MEMBER_FILTERS, membersBody } from './members.template';

const PAGE_SIZE = 25;

/**
 * `/console/applications` and `/console/members`: the stewards' lists of memberships (coop's
 * MembershipService.list); admins admit and expel through the same operations GraphQL calls,
 * which record the acting admin in the audit log.
 */
@Controller('console')
export class ConsoleMembersController {
  constructor(
    private readonly web: WebApp,
    private readonly membership: MembershipService,
  ) {}

  @Public()
  @Get('applications')
  async applications(
    @Query('after') after: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await staffContext(this.web, request, reply);
    if (!ctx) return reply;
    return this.sendApplications(reply, ctx, after);
  }

  @Public()
  @Post('applications/admit')
  async admit(
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await staffForm(this.web, request, reply, body, 'admit members');
    if (!ctx) return reply;
    const handle = field(body, 'handle').trim();
    try {
      await this.membership.admit(handle, ctx.signedIn.account.id);
    } catch (error) {
      const shown = this.web.refusal(error);
      if (!shown) throw error;
      return this.sendApplications(reply, ctx, undefined, shown.status, shown.message);
    }
    return this.web.redirect(reply, '/console/applications', `Admitted @${handle}.`);
  }

  @Public()
  @Get('members')
  async members(
    @Query('status') status: string | undefined,
    @Query('after') after: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await staffContext(this.web, request, reply);
    if (!ctx) return reply;
    return this.sendMembers(reply, ctx, status ?? '', after);
  }

  /** Expelling: confirmed on the server first (units retired, share redeemed). */
  @Public()
  @Post('members/expel')
  async expel(
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await staffForm(this.web, request, reply, body, 'expel members');
    if (!ctx) return reply;
    const handle = field(body, 'handle').trim();
    if (!this.web.confirmed(body)) {
      return this.web.confirm(reply, ctx, {
        title: `Expel @${handle}?`,
        question: markup`<p>@${handle} stops being a member-owner: their equity units are retired, their membership share is redeemed at par (paid by the next payout run) and their capital is paid as each vintage revolves.</p><p>This cannot be undone; they would have to apply again.</p>`,
        action: '/console/members/expel',
        fields: { handle },
        confirmLabel: `Expel @${handle}`,
        cancelHref: '/console/members',
        section: 'console',
      });
    }
    try {
      await this.membership.expel(handle, ctx.signedIn.account.id);
    } catch (error) {
      const shown = this.web.refusal(error);
      if (!shown) throw error;
      return this.sendMembers(reply, ctx, '', undefined, shown.status, shown.message);
    }
    return this.web.redirect(reply, '/console/members', `Expelled @${handle}.`);
  }

  private async sendApplications(
    reply: FastifyReply,
    ctx: MemberContext,
    after: string | undefined,
    status = 200,
    error: string | null = null,
  ): Promise<FastifyReply> {
    const page = await this.list(reply, ctx, ['pending'], after);
    if (!page) return reply;
    return this.web.send(reply, ctx, {
      status,
      title: 'Applications',
      section: 'console',
      body: applicationsBody(ctx, { page, next: this.nextOf(page), error }),
    });
  }

  private async sendMembers(
    reply: FastifyReply,
    ctx: MemberContext,
    filterValue: string,
    after: string | undefined,
    status = 200,
    error: string | null = null,
  ): Promise<FastifyReply> {
    const filter = MEMBER_FILTERS.find((f) => f.value === filterValue);
    if (!filter) {
      return this.web.send(reply, ctx, {
        status: 422,
        title: 'Not done',
        section: 'console',
        body: errorBody(
          'Not done',
          'Choose one of the listed statuses.',
          markup`<a href="/console/members">All members</a>`,
        ),
      });
    }
    const page = await this.list(reply, ctx, filter.statuses, after);
    if (!page) return reply;
    return this.web.send(reply, ctx, {
      status,
      title: 'Members',
      section: 'console',
      body: membersBody(ctx, { page, next: this.nextOf(page), error, filter: filter.value }),
    });
  }

  /** A page of the list, or null after answering a bad cursor with 422. */
  private async list(
    reply: FastifyReply,
    ctx: MemberContext,
    statuses: Parameters<MembershipService['list']>[0],
    after: string | undefined,
  ): Promise<Awaited<ReturnType<MembershipService['list']>> | null> {
    try {
      return await this.membership.list(statuses, PAGE_SIZE, after);
    } catch (error) {
      if (!(error instanceof InvalidCursorException)) throw error;
      this.web.refused(reply, ctx, error, 'console');
      return null;
    }
  }

  private nextOf(page: Awaited<ReturnType<MembershipService['list']>>): string | null {
    const last = page.items.at(-1);
    return page.hasNextPage && last ? encodeCursor(last.accountId) : null;
  }
}
