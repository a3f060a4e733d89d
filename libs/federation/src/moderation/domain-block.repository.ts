import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainBlockEntity } from './domain-block.entity';

@Injectable()
export class DomainBlockRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  allDomains(): Promise<string[]> {
    return this.dataSource
      .getRepository(DomainBlockEntity)
      .find({ select: { domain: true } })
      .then((rows) => rows.map((row) => row.domain));
  }

  findAll(): Promise<DomainBlockEntity[]> {
    return this.dataSource.getRepository(DomainBlockEntity).find({ order: { domain: 'ASC' } });
  }

  /** Inserts the block unless it exists (the first reason and moderator stay); the block as stored. */
  async insert(
    manager: EntityManager,
    block: Pick<DomainBlockEntity, 'domain' | 'reason' | 'createdById'>,
  ): Promise<DomainBlockEntity> {
    await manager.createQueryBuilder().insert().into(DomainBlockEntity).values(block).orIgnore().execute();
    return manager.findOneByOrFail(DomainBlockEntity, { domain: block.domain });
  }

  /** True when the block existed. */
  async delete(domain: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(DomainBlockEntity).delete({ domain });
    return (result.affected ?? 0) > 0;
  }
}
