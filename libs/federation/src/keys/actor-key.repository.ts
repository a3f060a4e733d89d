import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ActorKeyEntity } from './actor-key.entity';

@Injectable()
export class ActorKeyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  find(accountId: string): Promise<ActorKeyEntity | null> {
    return this.dataSource.getRepository(ActorKeyEntity).findOneBy({ accountId });
  }

  /** Inserts unless a row exists (another request or process won the race); returns the stored row. */
  async insertOrGet(row: Omit<ActorKeyEntity, 'createdAt'>): Promise<ActorKeyEntity> {
    await this.dataSource.createQueryBuilder().insert().into(ActorKeyEntity).values(row).orIgnore().execute();
    return this.dataSource.getRepository(ActorKeyEntity).findOneByOrFail({ accountId: row.accountId });
  }
}
