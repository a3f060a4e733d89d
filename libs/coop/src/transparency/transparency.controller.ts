import { Readable } from 'node:stream';
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { Public, Role, Roles } from '@guildhall/identity';
import type { FastifyReply } from 'fastify';
import { fullLedgerCsv } from './ledger-csv';
import { TransparencyRepository } from './transparency.repository';
import { TransparencyService } from './transparency.service';

/**
 * `GET /api/v1/coop/periods/:id/snapshot.json` and `…/result.json`: a closed period's published
 * documents as stored (anyone; `guildhall coop replay` takes the snapshot). `GET
 * /api/v1/coop/ledger.csv` (admins): every posting of both ledgers, streamed in posting order.
 */
@Controller('api/v1/coop')
export class TransparencyController {
  constructor(
    private readonly transparency: TransparencyService,
    private readonly repository: TransparencyRepository,
  ) {}

  @Public()
  @Get('periods/:id/snapshot.json')
  snapshot(@Param('id') id: string, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.sendJson(reply, id, 'snapshot');
  }

  @Public()
  @Get('periods/:id/result.json')
  result(@Param('id') id: string, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.sendJson(reply, id, 'result');
  }

  @Roles(Role.Admin)
  @Get('ledger.csv')
  ledger(@Res() reply: FastifyReply): FastifyReply {
    return reply
      .status(200)
      .headers({
        'content-type': 'text/csv; charset=utf-8; header=present',
        'content-disposition': 'attachment; filename="guildhall-ledger.csv"',
        'cache-control': 'no-store',
      })
      .send(Readable.from(fullLedgerCsv(this.repository)));
  }

  /** The snapshot streams from its stored parts (ADR 0070); the result is one small value. */
  private async sendJson(reply: FastifyReply, id: string, part: 'snapshot' | 'result'): Promise<FastifyReply> {
    const body =
      part === 'snapshot'
        ? (await this.transparency.period(id)) && Readable.from(this.transparency.publishedSnapshotParts(id))
        : await this.transparency.publishedText(id, part);
    if (!body) throw new NotFoundException(`No closed period ${id}`);
    return reply
      .status(200)
      .headers({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=3600' })
      .send(body);
  }
}
