import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { DomainBlockService } from '@guildhall/federation';
import { AccountRepository, Public } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { markup } from '../../../pages/html';
import { field } from '../../../pages/oauth/oauth-page';
import { type FormBody, WebApp } from '../../web-app';
import type { MemberContext } from '../../web-context';
import { blockQuestion, domainsBody, type DomainsInput, unblockQuestion } from './domains.template';
import { staffContext, staffForm } from '../console-gate';

const BACK = markup`<a href="/console/domains">Back to domain blocks</a>`;

/**
 * `/console/domains`: domain blocks with their purges' progress, blocking (after a confirmation
 * that says what the purge will remove) and unblocking. Moderators and admins, as GraphQL's
 * blockDomain; the federation lib's DomainBlockService does the work and the audit record.
 */
@Controller('console/domains')
export class DomainsController {
  constructor(
    private readonly web: WebApp,
    private readonly blocks: DomainBlockService,
    private readonly accounts: AccountRepository,
  ) {}

  @Public()
  @Get()
  async list(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await staffContext(this.web, request, reply);
    if (!ctx) return reply;
    return this.sendList(reply, ctx);
  }

  @Public()
  @Post('block')
  async block(
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await staffForm(this.web, request, reply, body);
    if (!ctx) return reply;
    const domain = field(body, 'domain').trim();
    const reason = field(body, 'reason').trim().slice(0, 1000);
    try {
      if (!this.web.confirmed(body)) {
        const preview = await this.blocks.preview(domain);
        return this.web.confirm(reply, ctx, {
          title: `Block ${preview.domain}?`,
          section: 'console',
          question: blockQuestion(ctx, preview, reason),
          action: '/console/domains/block',
          fields: { domain: preview.domain, reason },
          confirmLabel: `Block ${preview.domain} and remove what came from it`,
          cancelHref: '/console/domains',
        });
      }
      const block = await this.blocks.block(ctx.signedIn.auth, domain, reason || null);
      return this.web.redirect(reply, '/console/domains', `Blocked ${block.domain}; its purge has started.`);
    } catch (error) {
      const shown = this.web.refusal(error);
      if (!shown) throw error;
      return this.sendList(reply, ctx, shown.status, { domain, reason, error: shown.message });
    }
  }

  @Public()
  @Post('unblock')
  async unblock(
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await staffForm(this.web, request, reply, body);
    if (!ctx) return reply;
    const domain = field(body, 'domain');
    try {
      const block = await this.blocks.find(domain);
      if (!block) return this.web.notFound(reply, ctx, `${domain.trim()} is not blocked.`);
      if (!this.web.confirmed(body)) {
        return this.web.confirm(reply, ctx, {
          title: `Unblock ${block.domain}?`,
          section: 'console',
          question: unblockQuestion(ctx, block),
          action: '/console/domains/unblock',
          fields: { domain: block.domain },
          confirmLabel: `Unblock ${block.domain}`,
          cancelHref: '/console/domains',
        });
      }
      const removed = await this.blocks.unblock(ctx.signedIn.auth, block.domain);
      return this.web.redirect(
        reply,
        '/console/domains',
        removed ? `Unblocked ${block.domain}.` : `${block.domain} was not blocked.`,
      );
    } catch (error) {
      return this.web.refused(reply, ctx, error, 'console', BACK);
    }
  }

  private async sendList(
    reply: FastifyReply,
    ctx: MemberContext,
    status = 200,
    draft?: DomainsInput['draft'],
  ): Promise<FastifyReply> {
    const blocks = await this.blocks.list();
    const blockerIds = [...new Set(blocks.flatMap((block) => (block.createdById ? [block.createdById] : [])))];
    const blockers = new Map((await this.accounts.findByIds(blockerIds)).map((account) => [account.id, account]));
    return this.web.send(reply, ctx, {
      status,
      title: 'Domain blocks',
      section: 'console',
      body: domainsBody(ctx, { blocks, blockers, draft }),
    });
  }
}
