import { Readable } from 'node:stream';
import { Controller, Get, Req, Res } from '@nestjs/common';
import { PostExportService } from '@guildhall/content';
import { MemberLedgerService, MembershipService } from '@guildhall/coop';
import { Public } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WebApp } from '../web-app';
import type { MemberContext } from '../web-context';
import {
  csvDocument,
  jsonDocument,
  LEDGER_CSV_HEADER,
  ledgerCsvRecord,
  ledgerJson,
  POSTS_CSV_HEADER,
  postCsvRecord,
  postJson,
} from './export-format';
import { exportPageBody } from './settings-export.template';

type Format = 'json' | 'csv';

const CONTENT_TYPES: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
};

/**
 * `/settings/export` and its downloads: the signed-in member's own posts (content lib's
 * PostExportService) and ledger lines (coop lib's MemberLedgerService), read and streamed a
 * batch at a time. Whose data is always the session's account, never a parameter.
 */
@Controller('settings/export')
export class SettingsExportController {
  constructor(
    private readonly web: WebApp,
    private readonly posts: PostExportService,
    private readonly ledger: MemberLedgerService,
    private readonly memberships: MembershipService,
  ) {}

  @Public()
  @Get()
  async page(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    const membership = await this.memberships.find(ctx.signedIn.account.id);
    return this.web.send(reply, ctx, {
      title: 'Export your data',
      section: 'settings',
      body: exportPageBody(ctx, { postsCount: ctx.signedIn.account.postsCount, isMember: membership !== null }),
    });
  }

  @Public()
  @Get('posts.json')
  postsJson(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.download(request, reply, 'posts', 'json', (ctx) =>
      jsonDocument(this.head(ctx), 'posts', this.posts.batches(ctx.signedIn.account.id), postJson),
    );
  }

  @Public()
  @Get('posts.csv')
  postsCsv(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.download(request, reply, 'posts', 'csv', (ctx) =>
      csvDocument(POSTS_CSV_HEADER, this.posts.batches(ctx.signedIn.account.id), postCsvRecord),
    );
  }

  @Public()
  @Get('ledger.csv')
  ledgerCsv(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.download(request, reply, 'ledger', 'csv', (ctx) =>
      csvDocument(LEDGER_CSV_HEADER, this.ledger.batches(ctx.signedIn.account.id), ledgerCsvRecord),
    );
  }

  @Public()
  @Get('ledger.json')
  ledgerJson(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.download(request, reply, 'ledger', 'json', (ctx) =>
      jsonDocument(this.head(ctx), 'lines', this.ledger.batches(ctx.signedIn.account.id), ledgerJson),
    );
  }

  private head(ctx: MemberContext): Record<string, unknown> {
    return { account: ctx.signedIn.account.username, exportedAt: new Date().toISOString() };
  }

  private async download(
    request: FastifyRequest,
    reply: FastifyReply,
    what: 'posts' | 'ledger',
    format: Format,
    document: (ctx: MemberContext) => AsyncIterable<string>,
  ): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    const day = new Date().toISOString().slice(0, 10);
    const filename = `${ctx.signedIn.account.username}-${what}-${day}.${format}`;
    return reply
      .status(200)
      .headers({
        'content-type': CONTENT_TYPES[format],
        'content-disposition': `attachment; filename="${filename}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        vary: 'Cookie',
      })
      .send(Readable.from(document(ctx)));
  }
}
