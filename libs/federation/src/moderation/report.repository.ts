import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PostEntity, visibleTo } from '@guildhall/content';
import { DataSource, type EntityManager, In, IsNull } from 'typeorm';
import { ReportEntity } from './report.entity';

export type NewReport = Pick<
  ReportEntity,
  'id' | 'uri' | 'reporterId' | 'sourceDomain' | 'targetAccountId' | 'postIds' | 'comment'
> &
  Partial<Pick<ReportEntity, 'category' | 'ruleIds' | 'forwarded'>>;

export interface ReportPage {
  /** null: open and resolved; true: resolved only; false: open only. */
  resolved: boolean | null;
  afterId: string | null;
  limit: number;
}

@Injectable()
export class ReportRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts the report; one with the same `uri` (the same Flag twice) is returned instead. */
  async insert(report: NewReport, manager: EntityManager = this.dataSource.manager): Promise<ReportEntity> {
    const repository = manager.getRepository(ReportEntity);
    await repository.createQueryBuilder().insert().values(report).orIgnore().execute();
    return repository.findOneByOrFail(report.uri === null ? { id: report.id } : { uri: report.uri });
  }

  findById(id: string): Promise<ReportEntity | null> {
    return this.dataSource.getRepository(ReportEntity).findOneBy({ id });
  }

  /** How many reports wait for a moderator. */
  countOpen(): Promise<number> {
    return this.dataSource.getRepository(ReportEntity).countBy({ resolvedAt: IsNull() });
  }

  /** Newest first; `limit + 1` rows for paging. */
  page({ resolved, afterId, limit }: ReportPage): Promise<ReportEntity[]> {
    const query = this.dataSource.getRepository(ReportEntity).createQueryBuilder('r');
    if (resolved !== null) query.where(resolved ? 'r.resolved_at IS NOT NULL' : 'r.resolved_at IS NULL');
    if (afterId) query.andWhere('r.id < :afterId', { afterId });
    return query
      .orderBy('r.id', 'DESC')
      .limit(limit + 1)
      .getMany();
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Closes an open report; null when it is not open (resolved meanwhile, or gone). */
  async resolve(
    id: string,
    moderatorId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ReportEntity | null> {
    const result = await manager
      .getRepository(ReportEntity)
      .createQueryBuilder()
      .update()
      .set({ resolvedAt: () => 'now()', resolvedById: moderatorId })
      .where('id = :id AND resolved_at IS NULL', { id })
      .execute();
    return result.affected ? manager.getRepository(ReportEntity).findOneBy({ id }) : null;
  }

  /** Which of `postIds` are posts of the account, whatever their visibility (a remote server saw them). */
  async postIdsOf(accountId: string, postIds: string[]): Promise<string[]> {
    if (!postIds.length) return [];
    const rows = await this.dataSource.query<{ id: string }[]>(
      'SELECT id FROM posts WHERE account_id = $1 AND id = ANY($2::uuid[]) ORDER BY id',
      [accountId, postIds],
    );
    return rows.map((row) => row.id);
  }

  /** Which of `postIds` are posts of the account that `viewerId` may see. */
  async visiblePostIdsOf(accountId: string, postIds: string[], viewerId: string): Promise<string[]> {
    if (!postIds.length) return [];
    const visible = visibleTo('p', viewerId);
    const rows = await this.dataSource
      .getRepository(PostEntity)
      .createQueryBuilder('p')
      .select('p.id', 'id')
      .where('p.account_id = :accountId AND p.id IN (:...postIds)', { accountId, postIds })
      .andWhere(visible.sql, visible.params)
      .orderBy('p.id')
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }

  /** The reported posts as the moderators see them: whatever their visibility, deleted ones left out. */
  findPosts(postIds: string[]): Promise<PostEntity[]> {
    if (!postIds.length) return Promise.resolve([]);
    return this.dataSource
      .getRepository(PostEntity)
      .find({ where: { id: In(postIds), deletedAt: IsNull() }, order: { id: 'ASC' } });
  }
}
