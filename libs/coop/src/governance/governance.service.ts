import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { UUID_PATTERN, uuidv7 } from '@guildhall/core';
import { PeriodService } from '../periods/period.service';
import { AdoptedParameters } from './adopted-parameters';
import {
  applyChanges,
  BYLAW_BOUNDS,
  bylawProblems,
  decide,
  type BylawProblem,
  type GovernedParameters,
  type ParameterChanges,
} from './bylaw-bounds';
import { CoopProposalEntity } from './coop-proposal.entity';
import type { VoteChoiceName } from './coop-vote.entity';
import type { ProposeParametersInput } from './dto/propose-parameters.input';
import { GovernanceErrorCode, GovernanceException } from './governance.exception';
import { GovernanceRepository, type LiveTally } from './governance.repository';

/** Adoptions run one at a time, so each builds on the one adopted before it. */
const ADOPT_LOCK = 'guildhall:coop-adopt';
const DAY_MS = 86_400_000;

const outsideBylaws = (problems: BylawProblem[]) =>
  new GovernanceException(GovernanceErrorCode.OutsideBylaws, problems.map((p) => p.message).join('; '), {
    field: problems[0].field,
    problems,
  });

/**
 * One member, one vote. Active members propose changes to the next periods' parameters (checked
 * against the bylaws' bounds on top of the parameters adopted so far) and vote YES, NO or
 * ABSTAIN; voting again while the vote is open replaces the member's choice. The vote closes at
 * `closesAt` or earlier when an admin closes it; then (admin, or any active member once the window
 * has passed) it is decided: quorum ≥ 20% of the active members, YES > NO. An adopted proposal's
 * parameters are read when a period opens: never by the period open at adoption.
 */
@Injectable()
export class GovernanceService {
  private readonly logger = new Logger(GovernanceService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly adopted: AdoptedParameters,
    private readonly periods: PeriodService,
    private readonly repository: GovernanceRepository,
  ) {}

  find(id: string): Promise<CoopProposalEntity | null> {
    if (!UUID_PATTERN.test(id)) return Promise.resolve(null);
    return this.dataSource.getRepository(CoopProposalEntity).findOneBy({ id });
  }

  /** Proposals, newest first. */
  list(status: CoopProposalEntity['status'] | null, limit: number): Promise<CoopProposalEntity[]> {
    return this.dataSource.getRepository(CoopProposalEntity).find({
      where: status ? { status } : {},
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }

  async propose(accountId: string, input: ProposeParametersInput): Promise<CoopProposalEntity> {
    await this.requireVoter(this.dataSource.manager, accountId, 'propose');
    const changes = toChanges(input);
    const problems: BylawProblem[] = [];
    if (Object.keys(changes).length === 0) {
      problems.push({ field: 'input', message: 'a proposal must change at least one parameter' });
    }
    const votingDays = input.votingDays ?? BYLAW_BOUNDS.defaultVotingDays;
    if (!Number.isInteger(votingDays) || votingDays < 1 || votingDays > BYLAW_BOUNDS.maxVotingDays) {
      problems.push({
        field: 'votingDays',
        message: `votingDays must be an integer from 1 to ${BYLAW_BOUNDS.maxVotingDays}, got ${votingDays}`,
      });
    }
    const names = (input.pools ?? []).map((p) => p.pool);
    if (new Set(names).size !== names.length) problems.push({ field: 'pools', message: 'pools names a pool twice' });
    problems.push(...bylawProblems(applyChanges(await this.adopted.current(), changes)));
    if (problems.length) throw outsideBylaws(problems);
    // The period this proposal may be adopted in is open before it is made (a fresh install's
    // first period opens at its first use), so the adoption can only reach the periods after it.
    await this.periods.current();

    const repo = this.dataSource.getRepository(CoopProposalEntity);
    const proposal = await repo.save(
      repo.create({
        id: uuidv7(),
        proposerId: accountId,
        rationale: input.rationale?.trim() ?? '',
        changes,
        closesAt: new Date(Date.now() + votingDays * DAY_MS),
      }),
    );
    this.logger.log({ msg: 'proposal made', proposalId: proposal.id, proposerId: accountId });
    return proposal;
  }

  /** Records (or replaces) the member's vote while the vote is open. */
  async vote(accountId: string, proposalId: string, choice: VoteChoiceName): Promise<CoopProposalEntity> {
    await this.dataSource.transaction(async (manager) => {
      await this.requireVoter(manager, accountId, 'vote');
      // FOR SHARE: a decision (FOR UPDATE) waits for this vote, and no vote lands after it.
      const [row]: { open: boolean }[] = UUID_PATTERN.test(proposalId)
        ? await manager.query(
            `SELECT status = 'open' AND closes_at > now() AS open FROM coop_proposals WHERE id = $1 FOR SHARE`,
            [proposalId],
          )
        : [];
      if (!row) throw notFound();
      if (!row.open)
        throw new GovernanceException(GovernanceErrorCode.VotingClosed, 'The vote on this proposal is closed');
      await manager.query(
        `INSERT INTO coop_votes (proposal_id, member_id, choice) VALUES ($1, $2, $3)
         ON CONFLICT (proposal_id, member_id) DO UPDATE SET choice = EXCLUDED.choice, voted_at = now()`,
        [proposalId, accountId, choice],
      );
    });
    return (await this.find(proposalId)) as CoopProposalEntity;
  }

  /**
   * Closes the vote and decides: an admin at any time, an active member once the window has
   * passed. Deciding a decided proposal returns it unchanged. An adopted proposal's changes are
   * applied to the parameters adopted so far; if together they break the bylaws, it is rejected.
   */
  async close(by: { accountId: string; admin: boolean }, proposalId: string): Promise<CoopProposalEntity> {
    if (!UUID_PATTERN.test(proposalId)) throw notFound();
    await this.decideOnce(by, proposalId);
    return (await this.find(proposalId)) as CoopProposalEntity;
  }

  /**
   * The scheduled sweep: decides every open proposal whose window has passed at `now`, with no
   * one asking. Each is decided in its own transaction under the proposal's row lock, so two
   * sweeps (or a sweep and `closeProposal`) decide it once. Returns how many this call decided.
   */
  async closeDue(now = new Date(), limit = 100): Promise<number> {
    let decided = 0;
    for (const id of await this.repository.dueIds(now, limit)) {
      if (await this.decideOnce(null, id, now)) decided++;
    }
    return decided;
  }

  /** What the proposal pages show beside each proposal: votes so far, the electorate, the reader's vote. */
  async standing(
    readerId: string | null,
    proposalIds: string[],
  ): Promise<{ tallies: Map<string, LiveTally>; electorate: number; votes: Map<string, VoteChoiceName> }> {
    const [tallies, electorate, votes] = await Promise.all([
      this.repository.liveTallies(proposalIds),
      this.repository.activeMembers(),
      readerId ? this.repository.votesOf(readerId, proposalIds) : Promise.resolve(new Map<string, VoteChoiceName>()),
    ]);
    return { tallies, electorate, votes };
  }

  /** The parameters (and vesting) the next period will open with, as adopted so far. */
  nextParameters(): Promise<GovernedParameters> {
    return this.adopted.current();
  }

  /**
   * The period an adopted proposal applies from: the one after the period open when it was
   * decided (`opened: false` while that one is still open, `id: null` if it is not yet known).
   */
  async appliesFrom(
    proposal: CoopProposalEntity,
  ): Promise<{ id: string | null; after: string | null; opened: boolean } | null> {
    if (proposal.status !== 'adopted' || !proposal.decidedAt) return null;
    const { openThen, next } = await this.repository.periodsAround(proposal.decidedAt);
    return { id: next?.id ?? null, after: openThen?.id ?? null, opened: next !== null };
  }

  /**
   * Decides one proposal under the adoption lock and its row lock; `by` null is the scheduled
   * sweep, which decides only a proposal whose window has passed. Returns whether this call
   * decided it (false when it was decided already, or the sweep found its window open).
   */
  private async decideOnce(
    by: { accountId: string; admin: boolean } | null,
    proposalId: string,
    now = new Date(),
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      if (by && !by.admin) await this.requireVoter(manager, by.accountId, 'close a vote');
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [ADOPT_LOCK]);
      const proposal = await manager
        .getRepository(CoopProposalEntity)
        .createQueryBuilder('p')
        .setLock('pessimistic_write')
        .where('p.id = :proposalId', { proposalId })
        .getOne();
      if (!proposal) throw notFound();
      if (proposal.status !== 'open') return false;
      const windowOpen = proposal.closesAt.getTime() > (by ? Date.now() : now.getTime());
      if (!by && windowOpen) return false;
      if (by && !by.admin && windowOpen) {
        throw new GovernanceException(GovernanceErrorCode.VotingOpen, 'The vote is open until closesAt');
      }
      const tally = await this.tally(manager, proposalId);
      let { adopted, outcome } = decide(tally);
      let governed = null;
      if (adopted) {
        governed = applyChanges(await this.adopted.current(manager), proposal.changes);
        const problems = bylawProblems(governed);
        if (problems.length) {
          adopted = false;
          governed = null;
          outcome = `with the parameters adopted since, outside the bylaws: ${problems.map((p) => p.message).join('; ')}`;
        }
      }
      // clock_timestamp(): after the lock, so decision order is adoption order.
      await manager.query(
        `UPDATE coop_proposals SET status = $2, decided_at = clock_timestamp(), yes = $3, no = $4, abstain = $5,
                electorate = $6, outcome = $7, parameters = $8::jsonb, vesting_periods = $9
          WHERE id = $1`,
        [
          proposalId,
          adopted ? 'adopted' : 'rejected',
          tally.yes,
          tally.no,
          tally.abstain,
          tally.electorate,
          outcome,
          governed ? JSON.stringify(governed.parameters) : null,
          governed?.vestingPeriods ?? null,
        ],
      );
      this.logger.log({ msg: 'proposal decided', proposalId, adopted, by: by ? by.accountId : 'schedule', ...tally });
      return true;
    });
  }

  /** Votes of members active now, and how many members are active. */
  private async tally(manager: EntityManager, proposalId: string) {
    const [row]: { yes: number; no: number; abstain: number; electorate: number }[] = await manager.query(
      `SELECT count(*) FILTER (WHERE v.choice = 'YES')::int AS yes,
              count(*) FILTER (WHERE v.choice = 'NO')::int AS no,
              count(*) FILTER (WHERE v.choice = 'ABSTAIN')::int AS abstain,
              (SELECT count(*)::int FROM coop_members WHERE status = 'active') AS electorate
         FROM coop_votes v JOIN coop_members m ON m.account_id = v.member_id AND m.status = 'active'
        WHERE v.proposal_id = $1`,
      [proposalId],
    );
    return row;
  }

  private async requireVoter(manager: EntityManager, accountId: string, what: string): Promise<void> {
    const [row]: unknown[] = await manager.query(
      `SELECT 1 FROM coop_members WHERE account_id = $1 AND status = 'active'`,
      [accountId],
    );
    if (!row) throw new GovernanceException(GovernanceErrorCode.NotAVoter, `Only active members ${what}`);
  }
}

const notFound = () => new GovernanceException(GovernanceErrorCode.ProposalNotFound, 'No such proposal');

/** The input's parameter fields that are set, as a change set (`pools` as a record). */
function toChanges(input: ProposeParametersInput): ParameterChanges {
  const changes: ParameterChanges = {};
  const ints = ['cashBps', 'reserveBps', 'commonsBps', 'unitBudget', 'minMemberAgeDays', 'vestingPeriods'] as const;
  for (const key of ints) {
    const value = input[key];
    if (value !== undefined && value !== null) changes[key] = value;
  }
  if (input.pools) changes.pools = Object.fromEntries(input.pools.map((p) => [p.pool, p.bps]));
  if (input.federatedInstances) changes.federatedInstances = input.federatedInstances;
  return changes;
}
