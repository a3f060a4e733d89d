import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { CoopEventEntity } from './coop-event.entity';
import { Contribution } from './contribution.types';

export type NewContribution = Pick<CoopEventEntity, 'id' | 'type' | 'memberId'> &
  Partial<Pick<CoopEventEntity, 'actor' | 'object' | 'amount'>>;

/**
 * SQL for the text of a JSON object whose members are `[key, SQL giving the value's JSON text]`,
 * written compactly in the order given (keys sorted: RFC 8785's canonical order, the order the
 * snapshot's canonical hash writes them). A NULL value is `null`, as json_build_object writes it.
 */
function jsonObjectSql(members: [key: string, valueJson: string][]): string {
  return members
    .map(([key, value], i) => `'${i === 0 ? '{' : ','}"${key}":' || coalesce(${value}, 'null')`)
    .concat(`'}'`)
    .join(' || ');
}

const textJson = (sql: string) => `to_json(${sql})::text`;

/**
 * An event's snapshot JSON (SPEC §3) from the INSERT's parameters ($1 id, $2 type, $4 actor,
 * $5 object, $6 amount) and the author's (m) and actor's (actor) accounts: compact, keys sorted
 * (a close concatenates a million of these, so every byte is sent, parsed and stored again).
 */
const EVENT_JSON_SQL = `(CASE $2::text
  WHEN 'ENGAGED' THEN ${jsonObjectSql([
    ['actor', textJson(`CASE WHEN $4::text LIKE 'instance:%' THEN $4::text ELSE actor.username END`)],
    ['id', textJson('$1::text')],
    ['member', textJson('m.username')],
    ['object', textJson('$5::text')],
    ['type', textJson('$2::text')],
  ])}
  WHEN 'SPENT' THEN ${jsonObjectSql([
    ['amount', '$6::bigint::text'],
    ['id', textJson('$1::text')],
    ['member', textJson('m.username')],
    ['type', textJson('$2::text')],
  ])}
  ELSE ${jsonObjectSql([
    ['id', textJson('$1::text')],
    ['member', textJson('m.username')],
    ['object', textJson('$5::text')],
    ['type', textJson('$2::text')],
  ])}
END)`;

const REVERSAL_JSON_SQL = jsonObjectSql([
  ['id', textJson('$1::text')],
  ['reverses', textJson('$3::text')],
  ['type', textJson('$2::text')],
]);

@Injectable()
export class CoopEventRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts the event unless its id is recorded already; true when it was new. Its snapshot JSON
   * is built here, in the same statement, with the member's and the actor's usernames.
   */
  async record(event: NewContribution, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO coop_events (id, type, member_id, actor, object, amount, snapshot_json)
       SELECT $1::text, $2::text, m.id, $4::text, $5::text, $6::bigint, ${EVENT_JSON_SQL}
         FROM accounts m LEFT JOIN accounts actor ON actor.id::text = $4::text
        WHERE m.id = $3::uuid
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [event.id, event.type, event.memberId, event.actor ?? null, event.object ?? null, event.amount ?? null],
    );
    return rows.length > 0;
  }

  /** Records `reversal:<target>` when the target was recorded (and is not itself a reversal). */
  async reverse(target: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO coop_events (id, type, reverses, snapshot_json)
       SELECT $1::text, $2::text, $3::text, ${REVERSAL_JSON_SQL}
        WHERE EXISTS (SELECT 1 FROM coop_events WHERE id = $3 AND type <> $2)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [`reversal:${target}`, Contribution.Reversal, target],
    );
    return rows.length > 0;
  }

  /**
   * What a preview of the member's points in the open period needs (events after `afterSeq`,
   * the open period's, as a close would read them): the member's own events, every event of the
   * `budgetTypes` by the actors that engaged with it (their budgets are split over all of those),
   * and the reversals of any of these. In seq order, with the snapshot JSON and the accounts named.
   */
  previewEvents(
    afterSeq: number,
    accountId: string,
    budgetTypes: readonly string[],
  ): Promise<{ memberId: string | null; actor: string | null; json: string }[]> {
    return this.dataSource.query(
      `WITH open AS MATERIALIZED (
              SELECT id, seq, type, member_id, actor, reverses, snapshot_json FROM coop_events WHERE seq > $1),
            mine AS (SELECT * FROM open WHERE member_id = $2::uuid AND type <> $4),
            actors AS (SELECT DISTINCT actor FROM mine WHERE type = ANY($3::text[]) AND actor IS NOT NULL),
            theirs AS (SELECT * FROM open WHERE type = ANY($3::text[]) AND member_id <> $2::uuid
                          AND actor IN (SELECT actor FROM actors)),
            base AS (SELECT * FROM mine UNION ALL SELECT * FROM theirs)
       SELECT seq, member_id AS "memberId", actor, snapshot_json AS json FROM base
       UNION ALL
       SELECT seq, member_id, actor, snapshot_json FROM open WHERE type = $4 AND reverses IN (SELECT id FROM base)
       ORDER BY seq`,
      [afterSeq, accountId, budgetTypes, Contribution.Reversal],
    );
  }
}
