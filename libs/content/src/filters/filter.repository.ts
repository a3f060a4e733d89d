import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { PostEntity } from '../posts/post.entity';
import { visibleTo } from '../posts/post-visibility';
import { FilterKeywordEntity } from './filter-keyword.entity';
import { FilterStatusEntity } from './filter-status.entity';
import { type FilterContext, FilterEntity } from './filter.entity';

/** A filter with its keywords and posts. */
export interface FilterView {
  filter: FilterEntity;
  keywords: FilterKeywordEntity[];
  statuses: FilterStatusEntity[];
}

/** Filters, their keywords and posts; every read is scoped to the owning account. */
@Injectable()
export class FilterRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The account's filters (optionally only those active now in `context`), oldest first, with their parts. */
  async views(accountId: string, options: { ids?: string[]; activeIn?: FilterContext } = {}): Promise<FilterView[]> {
    return (await this.viewsOf([accountId], options)).get(accountId) ?? [];
  }

  /**
   * Several accounts' filters at once (a query per table for all of them), keyed by account;
   * an account without filters has no entry. Each list oldest first, as `views`.
   */
  async viewsOf(
    accountIds: readonly string[],
    options: { ids?: string[]; activeIn?: FilterContext } = {},
  ): Promise<Map<string, FilterView[]>> {
    const byAccount = new Map<string, FilterView[]>();
    if (!accountIds.length) return byAccount;
    const query = this.dataSource
      .getRepository(FilterEntity)
      .createQueryBuilder('f')
      .where('f.account_id = ANY(:accountIds)', { accountIds: [...accountIds] })
      .orderBy('f.id');
    if (options.ids) query.andWhere('f.id IN (:...ids)', { ids: options.ids.length ? options.ids : [null] });
    if (options.activeIn) {
      query
        .andWhere(':context = ANY(f.context)', { context: options.activeIn })
        .andWhere('(f.expires_at IS NULL OR f.expires_at > now())');
    }
    const filters = await query.getMany();
    if (!filters.length) return byAccount;
    const filterIds = filters.map((f) => f.id);
    const [keywords, statuses] = await Promise.all([
      this.dataSource
        .getRepository(FilterKeywordEntity)
        .find({ where: { filterId: In(filterIds) }, order: { id: 'ASC' } }),
      this.dataSource
        .getRepository(FilterStatusEntity)
        .find({ where: { filterId: In(filterIds) }, order: { id: 'ASC' } }),
    ]);
    for (const filter of filters) {
      const views = byAccount.get(filter.accountId) ?? [];
      views.push({
        filter,
        keywords: keywords.filter((k) => k.filterId === filter.id),
        statuses: statuses.filter((s) => s.filterId === filter.id),
      });
      byAccount.set(filter.accountId, views);
    }
    return byAccount;
  }

  countFilters(accountId: string): Promise<number> {
    return this.dataSource.getRepository(FilterEntity).countBy({ accountId });
  }

  /** A keyword, only if its filter is the account's. */
  keyword(accountId: string, id: string): Promise<FilterKeywordEntity | null> {
    return this.dataSource
      .getRepository(FilterKeywordEntity)
      .createQueryBuilder('k')
      .innerJoin(FilterEntity, 'f', 'f.id = k.filter_id')
      .where('k.id = :id AND f.account_id = :accountId', { id, accountId })
      .getOne();
  }

  /** A filtered post entry, only if its filter is the account's. */
  status(accountId: string, id: string): Promise<FilterStatusEntity | null> {
    return this.dataSource
      .getRepository(FilterStatusEntity)
      .createQueryBuilder('s')
      .innerJoin(FilterEntity, 'f', 'f.id = s.filter_id')
      .where('s.id = :id AND f.account_id = :accountId', { id, accountId })
      .getOne();
  }

  /** Whether the post exists and the viewer may see it (one may filter only what one can read). */
  async postVisible(postId: string, viewerId: string): Promise<boolean> {
    const visible = visibleTo('p', viewerId);
    const count = await this.dataSource
      .getRepository(PostEntity)
      .createQueryBuilder('p')
      .where('p.id = :postId', { postId })
      .andWhere(visible.sql, visible.params)
      .getCount();
    return count > 0;
  }
}
