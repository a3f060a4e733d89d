import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { CoopMemberEntity, type CoopMemberStatus } from './coop-member.entity';

/** A membership as the stewards' list shows it. */
export interface CoopMemberRow {
  accountId: string;
  handle: string;
  status: CoopMemberStatus;
  appliedAt: Date;
  joinedAt: Date | null;
  withdrawnAt: Date | null;
  vested: number;
  unvested: number;
}

@Injectable()
export class CoopMemberRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts a pending application; null when the account already has a row. */
  async apply(accountId: string): Promise<CoopMemberEntity | null> {
    const inserted = await this.dataSource
      .getRepository(CoopMemberEntity)
      .createQueryBuilder()
      .insert()
      .values({ accountId })
      .orIgnore()
      .returning('*')
      .execute();
    return (inserted.raw as unknown[]).length ? this.findByAccountId(accountId) : null;
  }

  findByAccountId(
    accountId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<CoopMemberEntity | null> {
    return manager.getRepository(CoopMemberEntity).findOneBy({ accountId });
  }

  /** Whether the account is an admitted member in good standing (the only ones who earn). */
  async isActive(accountId: string): Promise<boolean> {
    return this.dataSource.getRepository(CoopMemberEntity).existsBy({ accountId, status: 'active' });
  }

  /** Moves `from` one of the given statuses to `to`; null when the row was not in one of them. */
  async transition(
    manager: EntityManager,
    accountId: string,
    from: CoopMemberStatus[],
    changes: Partial<Pick<CoopMemberEntity, 'status' | 'joinedAt' | 'withdrawnAt' | 'sharePaidCents'>>,
  ): Promise<CoopMemberEntity | null> {
    const result = await manager
      .getRepository(CoopMemberEntity)
      .createQueryBuilder()
      .update()
      .set(changes)
      .where('account_id = :accountId AND status IN (:...from)', { accountId, from })
      .execute();
    return result.affected ? this.findByAccountId(accountId, manager) : null;
  }

  /** How many memberships are in each status (statuses with none are absent). */
  async countByStatus(): Promise<Partial<Record<CoopMemberStatus, number>>> {
    const rows: { status: CoopMemberStatus; n: number }[] = await this.dataSource.query(
      `SELECT status, count(*)::int AS n FROM coop_members GROUP BY status`,
    );
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  }

  /**
   * A page of memberships (in `statuses`), in account order (UUIDv7: sign-up order) after
   * `afterId`, with the handle and the units held (vested, unvested) from the units ledger.
   */
  listPage(statuses: readonly CoopMemberStatus[], afterId: string | null, limit: number): Promise<CoopMemberRow[]> {
    return this.dataSource.query(
      `SELECT m.account_id AS "accountId", a.username AS handle, m.status, m.applied_at AS "appliedAt",
              m.joined_at AS "joinedAt", m.withdrawn_at AS "withdrawnAt",
              coalesce(u.vested, 0)::float8 AS vested, coalesce(u.unvested, 0)::float8 AS unvested
         FROM coop_members m
         JOIN accounts a ON a.id = m.account_id
         LEFT JOIN LATERAL (
           SELECT -sum(p.amount) FILTER (WHERE p.account = 'vested') AS vested,
                  -sum(p.amount) FILTER (WHERE p.account = 'unvested') AS unvested
             FROM coop_postings p JOIN coop_journal_entries e ON e.id = p.entry_id
            WHERE e.ledger = 'units' AND p.member_id = m.account_id AND p.account IN ('vested', 'unvested')
         ) u ON true
        WHERE m.status = ANY($1::text[]) AND ($2::uuid IS NULL OR m.account_id > $2::uuid)
        ORDER BY m.account_id
        LIMIT $3`,
      [statuses, afterId, limit],
    );
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
