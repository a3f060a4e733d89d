import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type IdPage, fetchIdPage } from '../paging/id-page';
import { AccountDomainBlockEntity } from './domain-block.entity';

@Injectable()
export class DomainBlockRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** True when the block is new. */
  async insert(block: Pick<AccountDomainBlockEntity, 'id' | 'accountId' | 'domain'>): Promise<boolean> {
    const inserted = await this.dataSource.query<unknown[]>(
      `INSERT INTO account_domain_blocks (id, account_id, domain) VALUES ($1, $2, $3)
       ON CONFLICT (account_id, domain) DO NOTHING RETURNING id`,
      [block.id, block.accountId, block.domain],
    );
    return inserted.length > 0;
  }

  /** True when a block was removed. */
  async delete(accountId: string, domain: string): Promise<boolean> {
    const [, affected] = await this.dataSource.query<[unknown[], number]>(
      'DELETE FROM account_domain_blocks WHERE account_id = $1 AND domain = $2',
      [accountId, domain],
    );
    return affected > 0;
  }

  /** The member's blocked domains, newest block first. */
  page(accountId: string, page: IdPage): Promise<AccountDomainBlockEntity[]> {
    const query = this.dataSource
      .getRepository(AccountDomainBlockEntity)
      .createQueryBuilder('d')
      .where('d.accountId = :accountId', { accountId });
    return fetchIdPage(query, 'd.id', page);
  }
}
