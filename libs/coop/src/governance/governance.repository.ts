import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { VoteChoiceName } from './coop-vote.entity';

export interface LiveTally {
  yes: number;
  no: number;
  abstain: number;
}

export interface PeriodRef {
  id: string;
  seq: number;
}

/** Reads behind the governance pages and the sweep that decides proposals whose window passed. */
@Injectable()
export class GovernanceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Open proposals whose voting window has passed at `now`, oldest window first. */
  async dueIds(now: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM coop_proposals WHERE status = 'open' AND closes_at <= $1
        ORDER BY closes_at, id LIMIT $2`,
      [now, limit],
    );
    return rows.map((r) => r.id);
  }

  /** The votes cast so far by members active now, per proposal (as the decision will count them). */
  async liveTallies(proposalIds: string[]): Promise<Map<string, LiveTally>> {
    const rows: ({ proposalId: string } & LiveTally)[] = await this.dataSource.query(
      `SELECT v.proposal_id AS "proposalId",
              count(*) FILTER (WHERE v.choice = 'YES')::int AS yes,
              count(*) FILTER (WHERE v.choice = 'NO')::int AS no,
              count(*) FILTER (WHERE v.choice = 'ABSTAIN')::int AS abstain
         FROM coop_votes v JOIN coop_members m ON m.account_id = v.member_id AND m.status = 'active'
        WHERE v.proposal_id = ANY($1::uuid[])
        GROUP BY v.proposal_id`,
      [proposalIds],
    );
    return new Map(rows.map(({ proposalId, ...tally }) => [proposalId, tally]));
  }

  async activeMembers(): Promise<number> {
    const [row]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM coop_members WHERE status = 'active'`,
    );
    return row.n;
  }

  /** The account's vote on each of the proposals it voted on. */
  async votesOf(accountId: string, proposalIds: string[]): Promise<Map<string, VoteChoiceName>> {
    const rows: { proposalId: string; choice: VoteChoiceName }[] = await this.dataSource.query(
      `SELECT proposal_id AS "proposalId", choice FROM coop_votes
        WHERE member_id = $1 AND proposal_id = ANY($2::uuid[])`,
      [accountId, proposalIds],
    );
    return new Map(rows.map((r) => [r.proposalId, r.choice]));
  }

  /**
   * The period that was open at `at` (periods open one after another: the first one not closed
   * by then) and the one after it, if it has opened yet.
   */
  async periodsAround(at: Date): Promise<{ openThen: PeriodRef | null; next: PeriodRef | null }> {
    const rows: PeriodRef[] = await this.dataSource.query(
      `SELECT id, seq FROM coop_periods
        WHERE seq >= (SELECT min(seq) FROM coop_periods WHERE closed_at IS NULL OR closed_at > $1)
        ORDER BY seq LIMIT 2`,
      [at],
    );
    return { openThen: rows[0] ?? null, next: rows[1] ?? null };
  }
}
