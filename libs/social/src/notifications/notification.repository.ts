import { Injectable } from '@nestjs/common';
import { preparedStatement, type RowsWrite } from '@guildhall/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { muteInForce } from '../blocks/mute-in-force';
import { NotificationEntity, type NotificationType } from './notification.entity';

export interface NewNotification {
  id: string;
  accountId: string;
  type: NotificationType;
  fromAccountId: string;
  postId: string | null;
  reportId?: string | null;
  dedupeKey: string;
}

export interface NotificationListFilter {
  types: NotificationType[] | null;
  excludeTypes: NotificationType[] | null;
  fromAccountId: string | null;
  postId?: string | null;
  /** Leaves out these groups' notifications (grouped paging skips the groups a page already has). */
  excludeGroups?: readonly NotificationGroupRef[];
  maxId: string | null;
  sinceId: string | null;
  minId: string | null;
  limit: number;
}

/** One group of notifications (Mastodon's grouped notifications): its types and the post they share (null: none). */
export interface NotificationGroupRef {
  types: NotificationType[];
  postId: string | null;
}

/** An id bound of a page's range of notifications. */
export interface IdBound {
  id: string;
  inclusive: boolean;
}

/** What a group holds up to a page's upper bound, and its oldest member within the page's range. */
export interface NotificationGroupSummary {
  count: number;
  newestId: string | null;
  newestAt: Date | null;
  oldestInRangeId: string | null;
  sampleAccountIds: string[];
}

interface NotificationRow {
  id: string;
  account_id: string;
  type: NotificationType;
  from_account_id: string;
  post_id: string | null;
  report_id: string | null;
  dedupe_key: string;
  read_at: Date | null;
  created_at: Date;
}

function fromRow(row: NotificationRow): NotificationEntity {
  return Object.assign(new NotificationEntity(), {
    id: row.id,
    accountId: row.account_id,
    type: row.type,
    fromAccountId: row.from_account_id,
    postId: row.post_id,
    reportId: row.report_id,
    dedupeKey: row.dedupe_key,
    readAt: row.read_at,
    createdAt: row.created_at,
  });
}

/**
 * Notifications from a suspended account are hidden (kept: they return if the suspension is
 * lifted), as its posts are. A primary-key probe per row; suspensions are rare.
 */
const FROM_ACTIVE_ACCOUNT =
  'NOT EXISTS (SELECT 1 FROM accounts fs WHERE fs.id = n.from_account_id AND fs.suspended_at IS NOT NULL)';

@Injectable()
export class NotificationRepository {
  private readonly repository: Repository<NotificationEntity>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.repository = dataSource.getRepository(NotificationEntity);
  }

  /**
   * Of `accountIds`, the local accounts that neither block `actorId` nor mute its notifications
   * (a mute in force with `hide_notifications`); none if it is suspended.
   */
  async findReachable(actorId: string, accountIds: string[]): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      preparedStatement(
        `SELECT a.id FROM accounts a
        WHERE a.id = ANY($2::uuid[]) AND a.domain IS NULL
          AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = a.id AND b.target_id = $1)
          AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = a.id AND m.target_id = $1
                            AND m.hide_notifications AND ${muteInForce('m')})
          AND NOT EXISTS (SELECT 1 FROM accounts s WHERE s.id = $1 AND s.suspended_at IS NOT NULL)`,
        { constant: true },
      ),
      [actorId, accountIds],
    );
    return rows.map((row) => row.id);
  }

  /**
   * findReachable for many (actor, recipient) pairs at once: the same rule, one query. Answers
   * one boolean per pair, in the order given.
   */
  async reachablePairs(pairs: readonly { actorId: string; accountId: string }[]): Promise<boolean[]> {
    if (!pairs.length) return [];
    const rows = await this.dataSource.query<{ ord: string }[]>(
      `SELECT p.ord FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS p(actor_id, account_id, ord)
         JOIN accounts a ON a.id = p.account_id
        WHERE a.domain IS NULL
          AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = a.id AND b.target_id = p.actor_id)
          AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = a.id AND m.target_id = p.actor_id
                            AND m.hide_notifications AND ${muteInForce('m')})
          AND NOT EXISTS (SELECT 1 FROM accounts s WHERE s.id = p.actor_id AND s.suspended_at IS NOT NULL)`,
      [pairs.map((pair) => pair.actorId), pairs.map((pair) => pair.accountId)],
    );
    const reachable = new Set(rows.map((row) => Number(row.ord)));
    return pairs.map((_, i) => reachable.has(i + 1));
  }

  /**
   * Local accounts whose accepted follow of `authorId` asked to hear of its posts (Mastodon's
   * `notify`).
   */
  async notifiedFollowerIds(authorId: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      preparedStatement(
        `SELECT f.follower_id AS id FROM follows f JOIN accounts a ON a.id = f.follower_id
        WHERE f.followee_id = $1 AND f.state = 'accepted' AND f.notify AND a.domain IS NULL`,
        { constant: true },
      ),
      [authorId],
    );
    return rows.map((row) => row.id);
  }

  /** Deletes the notifications about `postIds` (their authors' domain is being purged), in the caller's transaction. */
  async deleteAboutPosts(manager: EntityManager, postIds: readonly string[]): Promise<void> {
    if (!postIds.length) return;
    await manager.query('DELETE FROM notifications WHERE post_id = ANY($1)', [postIds]);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Inserts each row unless its account already has its dedupe key, returning those inserted: a
   * statement for `DomainEventBus.publishWith` (the rows and their events in one statement);
   * `fromJson` reads the rows it returns.
   */
  insertNewStatement(rows: NewNotification[]): RowsWrite {
    const [sql, params] = this.repository
      .createQueryBuilder()
      .insert()
      .values(rows)
      .orIgnore() // ON CONFLICT DO NOTHING: the (account_id, dedupe_key) unique index decides.
      .returning('*')
      .getQueryAndParameters();
    // One row is the local write's shape, always the same text: prepared (batches vary in size).
    return { sql, params, constant: rows.length === 1 };
  }

  /** A row `insertNewStatement` returned (JSON: the dates are ISO strings). */
  fromJson(row: Record<string, unknown>): NotificationEntity {
    const json = row as unknown as Omit<NotificationRow, 'read_at' | 'created_at'> & {
      read_at: string | null;
      created_at: string;
    };
    return fromRow({
      ...json,
      read_at: json.read_at === null ? null : new Date(json.read_at),
      created_at: new Date(json.created_at),
    });
  }

  /** Newest first, `limit + 1` rows for paging, ids below `beforeId` when given; none from a suspended account. */
  page(accountId: string, options: { beforeId: string | null; unreadOnly: boolean; limit: number }) {
    const query = this.repository
      .createQueryBuilder('n')
      .where('n.accountId = :accountId', { accountId })
      .andWhere(FROM_ACTIVE_ACCOUNT);
    if (options.unreadOnly) query.andWhere('n.readAt IS NULL');
    if (options.beforeId) query.andWhere('n.id < :beforeId', { beforeId: options.beforeId });
    return query
      .orderBy('n.id', 'DESC')
      .limit(options.limit + 1)
      .getMany();
  }

  /**
   * Mastodon's paging over one recipient's notifications: newest first below `maxId`, above
   * `sinceId`, or the `limit` just above `minId` (oldest first, the caller reverses); only `types`
   * when given, never `excludeTypes` nor `excludeGroups`, only from `fromAccountId` when given.
   */
  list(accountId: string, filter: NotificationListFilter): Promise<NotificationEntity[]> {
    const query = this.repository
      .createQueryBuilder('n')
      .where('n.accountId = :accountId', { accountId })
      .andWhere(FROM_ACTIVE_ACCOUNT);
    if (filter.types) query.andWhere('n.type IN (:...types)', { types: filter.types.length ? filter.types : [null] });
    if (filter.excludeTypes?.length) query.andWhere('n.type NOT IN (:...excluded)', { excluded: filter.excludeTypes });
    if (filter.fromAccountId) query.andWhere('n.fromAccountId = :from', { from: filter.fromAccountId });
    if (filter.postId) query.andWhere('n.postId = :postId', { postId: filter.postId });
    (filter.excludeGroups ?? []).forEach((group, i) => {
      const types = group.types.length ? group.types : [null];
      query.andWhere(
        group.postId === null
          ? `NOT (n.type IN (:...exTypes${i}) AND n.postId IS NULL)`
          : `NOT (n.type IN (:...exTypes${i}) AND n.postId IS NOT DISTINCT FROM :exPost${i})`,
        { [`exTypes${i}`]: types, [`exPost${i}`]: group.postId },
      );
    });
    if (filter.maxId) query.andWhere('n.id < :maxId', { maxId: filter.maxId });
    if (filter.sinceId) query.andWhere('n.id > :sinceId', { sinceId: filter.sinceId });
    if (filter.minId) query.andWhere('n.id > :minId', { minId: filter.minId });
    return query
      .orderBy('n.id', filter.minId ? 'ASC' : 'DESC')
      .limit(filter.limit)
      .getMany();
  }

  /**
   * Per group, in one statement: how many notifications it holds up to `range.to` (all of them
   * when null), the newest of those and the accounts of the newest `samples`, and its oldest
   * member within the range (Mastodon's `page_min_id`).
   */
  async summarizeGroups(
    accountId: string,
    groups: readonly NotificationGroupRef[],
    range: { from: IdBound | null; to: IdBound | null },
    samples: number,
  ): Promise<NotificationGroupSummary[]> {
    if (!groups.length) return [];
    // Both bounds are always parameters (null: none), so PostgreSQL can type them.
    const upTo = `AND ($5::uuid IS NULL OR n.id ${range.to?.inclusive === false ? '<' : '<='} $5::uuid)`;
    const from = `AND ($6::uuid IS NULL OR n.id ${range.from?.inclusive === false ? '>' : '>='} $6::uuid)`;
    const member = `n.account_id = $1 AND n.type::text = ANY(string_to_array(g.types, ','))
      AND n.post_id IS NOT DISTINCT FROM g.post_id AND ${FROM_ACTIVE_ACCOUNT}`;
    const rows = await this.dataSource.query<
      { count: number; newest_id: string | null; newest_at: Date | null; oldest_id: string | null; sample: string[] }[]
    >(
      `SELECT
         (SELECT count(*)::int FROM notifications n WHERE ${member} ${upTo}) AS count,
         newest.id AS newest_id, newest.created_at AS newest_at,
         (SELECT n.id FROM notifications n WHERE ${member} ${upTo} ${from} ORDER BY n.id ASC LIMIT 1) AS oldest_id,
         ARRAY(SELECT n.from_account_id FROM notifications n WHERE ${member} ${upTo} ORDER BY n.id DESC LIMIT $4)
           AS sample
       FROM unnest($2::text[], $3::uuid[]) WITH ORDINALITY AS g(types, post_id, idx)
       LEFT JOIN LATERAL (SELECT n.id, n.created_at FROM notifications n WHERE ${member} ${upTo}
                          ORDER BY n.id DESC LIMIT 1) newest ON true
       ORDER BY g.idx`,
      [
        accountId,
        groups.map((group) => group.types.join(',')),
        groups.map((group) => group.postId),
        samples,
        range.to?.id ?? null,
        range.from?.id ?? null,
      ],
    );
    return rows.map((row) => ({
      count: row.count,
      newestId: row.newest_id,
      newestAt: row.newest_at,
      oldestInRangeId: row.oldest_id,
      sampleAccountIds: row.sample,
    }));
  }

  findOne(accountId: string, id: string): Promise<NotificationEntity | null> {
    return this.repository
      .createQueryBuilder('n')
      .where('n.id = :id AND n.accountId = :accountId', { id, accountId })
      .andWhere(FROM_ACTIVE_ACCOUNT)
      .getOne();
  }

  /** Unread in Mastodon's sense: newer than `afterId` (its `notifications` marker), when given. */
  countNewer(accountId: string, afterId: string | null, cap: number): Promise<number> {
    const query = this.repository
      .createQueryBuilder('n')
      .select('n.id')
      .where('n.accountId = :accountId', { accountId })
      .andWhere(FROM_ACTIVE_ACCOUNT);
    if (afterId) query.andWhere('n.id > :afterId', { afterId });
    return query
      .limit(cap)
      .getMany()
      .then((rows) => rows.length);
  }

  /** Deletes the given notifications of `accountId` (all of them when `ids` is null); returns how many. */
  async delete(accountId: string, ids: readonly string[] | null): Promise<number> {
    const query = this.repository.createQueryBuilder().delete().where('account_id = :accountId', { accountId });
    if (ids) query.andWhere('id IN (:...ids)', { ids: ids.length ? ids : [null] });
    return (await query.execute()).affected ?? 0;
  }

  countUnread(accountId: string): Promise<number> {
    return this.repository
      .createQueryBuilder('n')
      .where('n.accountId = :accountId AND n.readAt IS NULL', { accountId })
      .andWhere(FROM_ACTIVE_ACCOUNT)
      .getCount();
  }

  /** Marks unread notifications read, up to and including `upToId` (all when null); returns how many. */
  async markRead(accountId: string, upToId: string | null): Promise<number> {
    const query = this.repository
      .createQueryBuilder()
      .update()
      .set({ readAt: () => 'now()' })
      .where('account_id = :accountId AND read_at IS NULL', { accountId });
    if (upToId) query.andWhere('id <= :upToId', { upToId });
    return (await query.execute()).affected ?? 0;
  }

  /** Marks one notification of `accountId` read (a no-op when it already is); false when there is none. */
  async markOneRead(accountId: string, id: string): Promise<boolean> {
    const result = await this.repository
      .createQueryBuilder()
      .update()
      .set({ readAt: () => 'COALESCE(read_at, now())' })
      .where('id = :id AND account_id = :accountId', { id, accountId })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
