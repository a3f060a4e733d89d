import { Readable } from 'node:stream';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { TransparencyService } from '@guildhall/coop';
import { ConfigService } from '@guildhall/core';
import { Public } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WebApp } from '../web-app';
import { transparencyBody } from './transparency.template';

const PAGE_SIZE = 12;

/**
 * `/transparency` (public): every closed period, newest first and paged, linking to its public
 * page, its published snapshot and result and their hashes, with the commands to replay a close;
 * `/transparency/ledger.csv`: the public ledger (ADR 0043), the coop lib's producer.
 */
@Controller('transparency')
export class TransparencyPagesController {
  constructor(
    private readonly web: WebApp,
    private readonly transparency: TransparencyService,
    private readonly config: ConfigService,
  ) {}

  @Public()
  @Get()
  async index(
    @Query('after') after: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    let page;
    try {
      page = await this.transparency.closedPeriods(PAGE_SIZE, typeof after === 'string' ? after : null);
    } catch (error) {
      return this.web.refused(reply, ctx, error, 'transparency', 'Start again from the newest periods: /transparency');
    }
    return this.web.send(reply, ctx, {
      title: 'Transparency',
      section: 'transparency',
      body: transparencyBody(ctx, {
        origin: this.config.values.publicOrigin,
        periods: page.edges.map((e) => e.node),
        nextCursor: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null,
        paged: Boolean(after),
      }),
    });
  }

  @Public()
  @Get('ledger.csv')
  ledger(@Res() reply: FastifyReply): FastifyReply {
    return reply
      .status(200)
      .headers({
        'content-type': 'text/csv; charset=utf-8; header=present',
        'content-disposition': 'attachment; filename="guildhall-public-ledger.csv"',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      })
      .send(Readable.from(this.transparency.publishedLedgerCsv()));
  }
}
