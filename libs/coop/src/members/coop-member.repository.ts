import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { CoopMemberEntity, type CoopMemberStatus } from './coop-member.entity';

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

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
