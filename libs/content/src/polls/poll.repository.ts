import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { PollVoteEntity } from './poll-vote.entity';
import { PollEntity } from './poll.entity';

/** A vote as federation sends it: the option's title and the poll's post. */
export interface VoteForDelivery {
  id: string;
  accountId: string;
  choice: number;
  optionTitle: string;
  postId: string;
}

/** Queries over polls and their votes; writes take the caller's transaction. */
@Injectable()
export class PollRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(
    manager: EntityManager,
    poll: Omit<PollEntity, 'post' | 'account' | 'createdAt' | 'updatedAt' | 'closedAt'>,
  ) {
    await manager.insert(PollEntity, poll);
  }

  findById(id: string): Promise<PollEntity | null> {
    return this.dataSource.getRepository(PollEntity).findOneBy({ id });
  }

  findByPostIds(postIds: string[]): Promise<PollEntity[]> {
    if (postIds.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(PollEntity).findBy({ postId: In(postIds) });
  }

  /** The poll of a post, locked until the transaction ends (votes on one poll queue up here). */
  lockByPostId(manager: EntityManager, postId: string): Promise<PollEntity | null> {
    return manager
      .getRepository(PollEntity)
      .createQueryBuilder('p')
      .setLock('pessimistic_write')
      .where('p.post_id = :postId', { postId })
      .getOne();
  }

  async choicesOf(manager: EntityManager, pollId: string, accountId: string): Promise<number[]> {
    const rows = await manager.find(PollVoteEntity, { where: { pollId, accountId }, select: { choice: true } });
    return rows.map((row) => row.choice).sort((a, b) => a - b);
  }

  /** The choices `accountId` made in each poll, in option order. */
  async choicesByPoll(pollIds: string[], accountId: string): Promise<Map<string, number[]>> {
    const byPoll = new Map<string, number[]>();
    if (pollIds.length === 0) return byPoll;
    const rows = await this.dataSource.getRepository(PollVoteEntity).find({
      where: { pollId: In(pollIds), accountId },
      select: { pollId: true, choice: true },
      order: { choice: 'ASC' },
    });
    for (const row of rows) byPoll.set(row.pollId, [...(byPoll.get(row.pollId) ?? []), row.choice]);
    return byPoll;
  }

  /** Inserts the votes; a vote whose `uri` is stored already is skipped. Returns the ids inserted. */
  async insertVotes(
    manager: EntityManager,
    votes: Pick<PollVoteEntity, 'id' | 'pollId' | 'accountId' | 'choice' | 'uri'>[],
  ): Promise<string[]> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(PollVoteEntity)
      .values(votes)
      .orIgnore()
      .returning(['id'])
      .execute();
    return (result.raw as { id: string }[]).map((row) => row.id);
  }

  /** Adds one to each chosen option's tally and to the totals (voters only for a first vote). */
  async addTallies(manager: EntityManager, pollId: string, choices: number[], newVoter: boolean): Promise<void> {
    await manager.query(
      `UPDATE polls SET
         votes_counts = ARRAY(SELECT c + CASE WHEN (i - 1) = ANY($2::int[]) THEN 1 ELSE 0 END
                              FROM unnest(votes_counts) WITH ORDINALITY AS t(c, i) ORDER BY i),
         votes_count = votes_count + cardinality($2::int[]),
         voters_count = voters_count + $3,
         updated_at = now()
       WHERE id = $1`,
      [pollId, choices, newVoter ? 1 : 0],
    );
  }

  async update(manager: EntityManager, pollId: string, changes: Partial<PollEntity>): Promise<void> {
    await manager.update(PollEntity, { id: pollId }, { ...changes, updatedAt: new Date() });
  }

  async deleteVotes(manager: EntityManager, pollId: string): Promise<void> {
    await manager.delete(PollVoteEntity, { pollId });
  }

  /** Removes a poll and its votes (an edit that drops it). */
  async delete(manager: EntityManager, pollId: string): Promise<void> {
    await manager.delete(PollVoteEntity, { pollId });
    await manager.delete(PollEntity, { id: pollId });
  }

  /** Votes by id, with what their delivery names; votes gone since are left out. */
  async votesForDelivery(voteIds: string[]): Promise<VoteForDelivery[]> {
    if (voteIds.length === 0) return [];
    const rows = await this.dataSource.query<
      { id: string; account_id: string; choice: number; option_title: string | null; post_id: string }[]
    >(
      `SELECT v.id, v.account_id, v.choice, p.options[v.choice + 1] AS option_title, p.post_id
       FROM poll_votes v JOIN polls p ON p.id = v.poll_id
       WHERE v.id = ANY($1::uuid[]) ORDER BY v.choice`,
      [voteIds],
    );
    return rows.flatMap((row) =>
      row.option_title === null
        ? []
        : [
            {
              id: row.id,
              accountId: row.account_id,
              choice: row.choice,
              optionTitle: row.option_title,
              postId: row.post_id,
            },
          ],
    );
  }

  /**
   * Polls that ended and whose end is not processed yet, oldest end first, locked (others running
   * the sweep skip them), with whether their post is local and still there.
   */
  async lockDue(
    manager: EntityManager,
    now: Date,
    limit: number,
  ): Promise<{ id: string; postId: string; accountId: string; local: boolean; deleted: boolean }[]> {
    const rows = await manager.query<
      { id: string; post_id: string; account_id: string; local: boolean; deleted: boolean }[]
    >(
      `SELECT p.id, p.post_id, p.account_id, po.local, po.deleted_at IS NOT NULL AS deleted
       FROM polls p JOIN posts po ON po.id = p.post_id
       WHERE p.closed_at IS NULL AND p.expires_at IS NOT NULL AND p.expires_at <= $1
       ORDER BY p.expires_at LIMIT $2
       FOR UPDATE OF p SKIP LOCKED`,
      [now, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      postId: row.post_id,
      accountId: row.account_id,
      local: row.local,
      deleted: row.deleted,
    }));
  }

  async markClosed(manager: EntityManager, pollId: string, at: Date): Promise<void> {
    await manager.update(PollEntity, { id: pollId }, { closedAt: at });
  }

  /** Local accounts that voted in a poll. */
  async localVoterIds(manager: EntityManager, pollId: string): Promise<string[]> {
    const rows = await manager.query<{ account_id: string }[]>(
      `SELECT DISTINCT v.account_id FROM poll_votes v JOIN accounts a ON a.id = v.account_id
       WHERE v.poll_id = $1 AND a.domain IS NULL ORDER BY v.account_id`,
      [pollId],
    );
    return rows.map((row) => row.account_id);
  }

  /** The accounts that voted in the poll of `postId`. */
  async voterIds(postId: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ account_id: string }[]>(
      `SELECT DISTINCT v.account_id FROM poll_votes v JOIN polls p ON p.id = v.poll_id WHERE p.post_id = $1`,
      [postId],
    );
    return rows.map((row) => row.account_id);
  }
}
