import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { preparedStatement } from '@guildhall/core';
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

/** The SQL of a contribution's inputs: one statement's parameters, or one row's columns of a multi-row insert. */
interface ContributionSql {
  id: string;
  type: string;
  actor: string;
  object: string;
  amount: string;
}

/**
 * An event's snapshot JSON (SPEC §3) from the inputs `c` and the author's (m) and actor's (actor)
 * accounts: compact, keys sorted (a close concatenates a million of these, so every byte is sent,
 * parsed and stored again).
 */
const eventJsonSql = (c: ContributionSql) => `(CASE ${c.type}
  WHEN 'ENGAGED' THEN ${jsonObjectSql([
    ['actor', textJson(`CASE WHEN ${c.actor} LIKE 'instance:%' THEN ${c.actor} ELSE actor.username END`)],
    ['id', textJson(c.id)],
    ['member', textJson('m.username')],
    ['object', textJson(c.object)],
    ['type', textJson(c.type)],
  ])}
  WHEN 'SPENT' THEN ${jsonObjectSql([
    ['amount', `${c.amount}::text`],
    ['id', textJson(c.id)],
    ['member', textJson('m.username')],
    ['type', textJson(c.type)],
  ])}
  ELSE ${jsonObjectSql([
    ['id', textJson(c.id)],
    ['member', textJson('m.username')],
    ['object', textJson(c.object)],
    ['type', textJson(c.type)],
  ])}
END)`;

/** From the INSERT's parameters ($1 id, $2 type, $4 actor, $5 object, $6 amount). */
const EVENT_JSON_SQL = eventJsonSql({
  id: '$1::text',
  type: '$2::text',
  actor: '$4::text',
  object: '$5::text',
  amount: '$6::bigint',
});

const reversalJsonSql = (id: string, type: string, reverses: string) =>
  jsonObjectSql([
    ['id', textJson(id)],
    ['reverses', textJson(reverses)],
    ['type', textJson(type)],
  ]);

const REVERSAL_JSON_SQL = reversalJsonSql('$1::text', '$2::text', '$3::text');

/**
 * One step of a batch: a contribution to record, or the id of one to reverse. `whenActive` names
 * the accounts (at most two) that must be active members for the contribution to be recorded: asked
 * in the statement that writes it, not in a look-up before.
 */
export type ContributionStep = { record: NewContribution; whenActive?: readonly string[] } | { reverse: string };

/** Whether the account in `column` (NULL: no condition) is an active member, as SQL. */
const activeSql = (column: string) =>
  `(${column} IS NULL OR EXISTS (SELECT 1 FROM coop_members cm WHERE cm.account_id = ${column} AND cm.status = 'active'))`;

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
   * Applies `steps` in one statement, in their order (seq follows it): each contribution unless
   * its id is recorded already or one of its `whenActive` accounts is not an active member, each reversal when its target was recorded before this statement
   * (a batch never holds a contribution and its reversal: they are one aggregate, docs/adr/0058).
   * The rows are those `record` and `reverse` make one by one, snapshot JSON included.
   */
  async applyAll(steps: readonly ContributionStep[]): Promise<number> {
    if (!steps.length) return 0;
    const column = <T>(pick: (step: ContributionStep) => T) => steps.map(pick);
    const recordOf = (step: ContributionStep) => ('record' in step ? step.record : null);
    const activeOf = (step: ContributionStep, i: number) => {
      const accounts = 'record' in step ? (step.whenActive ?? []) : [];
      if (accounts.length > 2) throw new Error('a contribution depends on at most two memberships');
      return accounts[i] ?? null;
    };
    const rows: unknown[] = await this.dataSource.query(
      preparedStatement(
        `WITH s AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::bigint[], $7::text[],
                              $8::uuid[], $9::uuid[])
           WITH ORDINALITY AS s(id, type, member_id, actor, object, amount, reverses, active_a, active_b, ord)),
       inserted AS (
         INSERT INTO coop_events (id, type, member_id, actor, object, amount, reverses, snapshot_json)
         SELECT id, type, member_id, actor, object, amount, reverses, json FROM (
           SELECT s.ord, s.id, s.type, m.id AS member_id, s.actor, s.object, s.amount, NULL::text AS reverses,
                  ${eventJsonSql({ id: 's.id', type: 's.type', actor: 's.actor', object: 's.object', amount: 's.amount' })} AS json
             FROM s JOIN accounts m ON m.id = s.member_id LEFT JOIN accounts actor ON actor.id::text = s.actor
            WHERE s.reverses IS NULL AND ${activeSql('s.active_a')} AND ${activeSql('s.active_b')}
           UNION ALL
           SELECT s.ord, s.id, s.type, NULL, NULL, NULL, NULL, s.reverses, ${reversalJsonSql('s.id', 's.type', 's.reverses')}
             FROM s
            WHERE s.reverses IS NOT NULL
              AND EXISTS (SELECT 1 FROM coop_events t WHERE t.id = s.reverses AND t.type <> s.type)
           ORDER BY ord) ordered
         ON CONFLICT (id) DO NOTHING RETURNING id)
       SELECT id FROM inserted`,
        { constant: true },
      ),
      [
        column((step) => recordOf(step)?.id ?? `reversal:${(step as { reverse: string }).reverse}`),
        column((step) => recordOf(step)?.type ?? Contribution.Reversal),
        column((step) => recordOf(step)?.memberId ?? null),
        column((step) => recordOf(step)?.actor ?? null),
        column((step) => recordOf(step)?.object ?? null),
        column((step) => recordOf(step)?.amount ?? null),
        column((step) => ('reverse' in step ? step.reverse : null)),
        column((step) => activeOf(step, 0)),
        column((step) => activeOf(step, 1)),
      ],
    );
    return rows.length;
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
