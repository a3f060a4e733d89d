import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { CoopEventEntity } from './coop-event.entity';
import { Contribution } from './contribution.types';

export type NewContribution = Pick<CoopEventEntity, 'id' | 'type' | 'memberId'> &
  Partial<Pick<CoopEventEntity, 'actor' | 'object' | 'amount'>>;

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
       SELECT $1::text, $2::text, m.id, $4::text, $5::text, $6::bigint, (CASE $2::text
                WHEN 'ENGAGED' THEN json_build_object('id', $1::text, 'type', $2::text, 'member', m.username,
                  'actor', CASE WHEN $4::text LIKE 'instance:%' THEN $4::text ELSE actor.username END, 'object', $5::text)
                WHEN 'SPENT' THEN json_build_object('id', $1::text, 'type', $2::text, 'member', m.username, 'amount', $6::bigint)
                ELSE json_build_object('id', $1::text, 'type', $2::text, 'member', m.username, 'object', $5::text)
              END)::text
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
       SELECT $1::text, $2::text, $3::text, json_build_object('id', $1::text, 'type', $2::text, 'reverses', $3::text)::text
        WHERE EXISTS (SELECT 1 FROM coop_events WHERE id = $3 AND type <> $2)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [`reversal:${target}`, Contribution.Reversal, target],
    );
    return rows.length > 0;
  }
}
