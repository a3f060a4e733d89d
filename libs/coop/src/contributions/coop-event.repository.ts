import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { CoopEventEntity } from './coop-event.entity';
import { Contribution } from './contribution.types';

export type NewContribution = Pick<CoopEventEntity, 'id' | 'type' | 'memberId'> &
  Partial<Pick<CoopEventEntity, 'actor' | 'object' | 'amount'>>;

@Injectable()
export class CoopEventRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts the event unless its id is recorded already; true when it was new. */
  async record(event: NewContribution, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const result = await manager
      .getRepository(CoopEventEntity)
      .createQueryBuilder()
      .insert()
      .values(event)
      .orIgnore()
      .returning('id')
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  /** Records `reversal:<target>` when the target was recorded (and is not itself a reversal). */
  async reverse(target: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO coop_events (id, type, reverses)
       SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM coop_events WHERE id = $3 AND type <> $2)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [`reversal:${target}`, Contribution.Reversal, target],
    );
    return rows.length > 0;
  }
}
