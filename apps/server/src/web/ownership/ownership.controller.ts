import { Controller, Get, Req, Res } from '@nestjs/common';
import { ContributionPreview, MembershipService, TransparencyService } from '@guildhall/coop';
import { ConfigService } from '@guildhall/core';
import { Public } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WebApp } from '../web-app';
import { contributionsBody } from './contributions.template';
import { coopCurrency } from './currency';
import { ownershipBody } from './ownership.template';

/** Five years of monthly closes on one page; older ones are on the transparency pages. */
export const ALLOCATIONS_SHOWN = 120;

/**
 * `/ownership`: what the member owns (from the ledger, as GraphQL's myCoop), its allocation
 * history (myAllocations) and when its units vest and capital revolves; `/ownership/contributions`:
 * the open period's contributions as the close would score them (ContributionPreview).
 */
@Controller('ownership')
export class OwnershipController {
  constructor(
    private readonly web: WebApp,
    private readonly config: ConfigService,
    private readonly memberships: MembershipService,
    private readonly transparency: TransparencyService,
    private readonly preview: ContributionPreview,
  ) {}

  @Public()
  @Get()
  async ownership(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    const accountId = ctx.signedIn.account.id;
    const [membership, account, allocations, vesting] = await Promise.all([
      this.memberships.find(accountId),
      this.transparency.account(accountId),
      this.transparency.allocations(accountId, ALLOCATIONS_SHOWN),
      this.transparency.vesting(accountId),
    ]);
    const body = ownershipBody(ctx, {
      currency: coopCurrency(this.config),
      membership,
      account,
      allocations: allocations.edges.map((edge) => edge.node),
      moreAllocations: allocations.pageInfo.hasNextPage,
      vesting,
    });
    return this.web.send(reply, ctx, { title: 'What I own', section: 'ownership', body });
  }

  @Public()
  @Get('contributions')
  async contributions(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    const preview = await this.preview.forMember(ctx.signedIn.account.id);
    const body = contributionsBody(ctx, { currency: coopCurrency(this.config), preview });
    return this.web.send(reply, ctx, { title: "This period's contributions", section: 'ownership', body });
  }
}
