import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import {
  type CoopProposalEntity,
  GovernanceService,
  type GovernedParameters,
  MembershipService,
  VOTE_CHOICES,
  type VoteChoiceName,
} from '@guildhall/coop';
import { Public } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { field } from '../../pages/oauth/oauth-page';
import { type FormBody, WebApp } from '../web-app';
import type { MemberContext } from '../web-context';
import { governanceBody, proposalBody, type ProposalView } from './governance.template';
import { diffRows } from './parameter-fields';
import { bylawErrors, type FormErrors, readProposalForm } from './proposal-form';
import { proposalFormBody } from './proposal-form.template';

const OPEN_SHOWN = 50;
const DECIDED_SHOWN = 10;

/**
 * `/governance`: open and recently decided proposals with their parameter diff, bylaw bounds,
 * quorum and majority progress and the reader's vote; `/governance/proposals/:id` one proposal
 * and its vote form; `/governance/new` the propose form. Every rule is GovernanceService's (the
 * one the GraphQL resolvers call); the voter and proposer are always the session's account.
 */
@Controller('governance')
export class GovernanceController {
  constructor(
    private readonly web: WebApp,
    private readonly governance: GovernanceService,
    private readonly memberships: MembershipService,
  ) {}

  @Public()
  @Get()
  async list(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    const [open, decided, base, canVote] = await Promise.all([
      this.governance.list('open', OPEN_SHOWN),
      this.decidedRecently(),
      this.governance.nextParameters(),
      this.isActiveMember(ctx),
    ]);
    const views = await this.views(ctx, [...open, ...decided], base);
    return this.web.send(reply, ctx, {
      title: 'Governance',
      section: 'governance',
      body: governanceBody(ctx, {
        open: views.slice(0, open.length),
        decided: views.slice(open.length),
        canVote,
      }),
    });
  }

  @Public()
  @Get('new')
  async proposeForm(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    return this.sendForm(reply, ctx, await this.governance.nextParameters());
  }

  @Public()
  @Post('new')
  async propose(
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    if (!this.web.acceptsForm(request, ctx, body)) return this.web.formExpired(reply, ctx);
    const base = await this.governance.nextParameters();
    const { input, typed, errors } = readProposalForm(body, base);
    if (Object.keys(errors).length) return this.sendForm(reply, ctx, base, 422, typed, errors);
    try {
      const proposal = await this.governance.propose(ctx.signedIn.account.id, input);
      return this.web.redirect(reply, `/governance/proposals/${proposal.id}`, 'Proposed. The vote is open.');
    } catch (error) {
      const fieldErrors = bylawErrors(error, base);
      if (fieldErrors) return this.sendForm(reply, ctx, base, 422, typed, fieldErrors);
      const shown = this.web.refusal(error);
      if (!shown) throw error;
      return this.sendForm(reply, ctx, base, shown.status, typed, { form: shown.message });
    }
  }

  @Public()
  @Get('proposals/:id')
  async proposal(
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    return this.sendProposal(reply, ctx, id);
  }

  @Public()
  @Post('proposals/:id/vote')
  async vote(
    @Param('id') id: string,
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    if (!this.web.acceptsForm(request, ctx, body)) return this.web.formExpired(reply, ctx);
    const choice = field(body, 'choice');
    if (!(VOTE_CHOICES as readonly string[]).includes(choice)) {
      return this.sendProposal(reply, ctx, id, 422, 'Choose yes, no or abstain.');
    }
    try {
      await this.governance.vote(ctx.signedIn.account.id, id, choice as VoteChoiceName);
      return this.web.redirect(reply, `/governance/proposals/${encodeURIComponent(id)}`, 'Your vote is counted.');
    } catch (error) {
      const shown = this.web.refusal(error);
      if (!shown) throw error;
      return this.sendProposal(reply, ctx, id, shown.status, shown.message);
    }
  }

  private async sendProposal(
    reply: FastifyReply,
    ctx: MemberContext,
    id: string,
    status = 200,
    error?: string,
  ): Promise<FastifyReply> {
    const proposal = await this.governance.find(id);
    if (!proposal) return this.web.notFound(reply, ctx, 'There is no such proposal.');
    const [base, canVote] = await Promise.all([this.governance.nextParameters(), this.isActiveMember(ctx)]);
    const [view] = await this.views(ctx, [proposal], base);
    return this.web.send(reply, ctx, {
      status,
      title: 'Proposal',
      section: 'governance',
      body: proposalBody(ctx, { view, canVote, error }),
    });
  }

  private async sendForm(
    reply: FastifyReply,
    ctx: MemberContext,
    base: GovernedParameters,
    status = 200,
    typed?: Record<string, string>,
    errors?: FormErrors,
  ): Promise<FastifyReply> {
    return this.web.send(reply, ctx, {
      status,
      title: 'Propose a change',
      section: 'governance',
      body: proposalFormBody(ctx, { base, canPropose: await this.isActiveMember(ctx), typed, errors }),
    });
  }

  private async decidedRecently(): Promise<CoopProposalEntity[]> {
    const [adopted, rejected] = await Promise.all([
      this.governance.list('adopted', DECIDED_SHOWN),
      this.governance.list('rejected', DECIDED_SHOWN),
    ]);
    return [...adopted, ...rejected]
      .sort((a, b) => (b.decidedAt?.getTime() ?? 0) - (a.decidedAt?.getTime() ?? 0))
      .slice(0, DECIDED_SHOWN);
  }

  /** Open proposals diff against the next period's parameters; decided ones show what they set. */
  private async views(
    ctx: MemberContext,
    proposals: CoopProposalEntity[],
    base: GovernedParameters,
  ): Promise<ProposalView[]> {
    const { tallies, electorate, votes } = await this.governance.standing(
      ctx.signedIn.account.id,
      proposals.map((p) => p.id),
    );
    return Promise.all(
      proposals.map(async (proposal) => {
        const decided = proposal.status !== 'open';
        return {
          proposal,
          diff: diffRows(base, proposal.changes, decided ? 'set' : 'differ'),
          tally: decided
            ? { yes: proposal.yes ?? 0, no: proposal.no ?? 0, abstain: proposal.abstain ?? 0 }
            : (tallies.get(proposal.id) ?? { yes: 0, no: 0, abstain: 0 }),
          electorate: decided ? (proposal.electorate ?? 0) : electorate,
          myVote: votes.get(proposal.id) ?? null,
          appliesFrom: await this.governance.appliesFrom(proposal),
        };
      }),
    );
  }

  private async isActiveMember(ctx: MemberContext): Promise<boolean> {
    const member = await this.memberships.find(ctx.signedIn.account.id);
    return member?.status === 'active';
  }
}
