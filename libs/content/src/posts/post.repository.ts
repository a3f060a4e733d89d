import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { preparedStatement, RowMapper, uuidv7 } from '@guildhall/core';
import { AccountStateRepository } from '@guildhall/identity';
import { DataSource, type EntityManager, In } from 'typeorm';
import { HashtagEntity } from '../tags/hashtag.entity';
import { MentionEntity } from '../tags/mention.entity';
import { PostHashtagEntity } from '../tags/post-hashtag.entity';
import { PostEditEntity } from './post-edit.entity';
import { PostIdempotencyKeyEntity } from './post-idempotency-key.entity';
import { PostEntity } from './post.entity';
import { visibleTo, visibleToEach } from './post-visibility';

/** Queries over posts and their tags and mentions; writes take the caller's transaction. */
@Injectable()
export class PostRepository {
  private readonly rows: RowMapper<PostEntity>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accountState: AccountStateRepository,
  ) {
    this.rows = new RowMapper(dataSource, PostEntity);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<PostEntity | null> {
    return manager.findOneBy(PostEntity, { id });
  }

  /** The post if `viewerId` may see it (null: anonymous). */
  async findVisible(id: string, viewerId: string | null): Promise<PostEntity | null> {
    return (await this.findVisibleByIds([id], viewerId))[0] ?? null;
  }

  /**
   * Which of the (post, viewer) pairs the viewer may see, in one query by the one rule
   * (post-visibility.ts, for each pair's viewer): the posts visible, keyed `${postId} ${viewerId}`.
   */
  async findVisiblePairs(pairs: readonly { postId: string; viewerId: string }[]): Promise<Map<string, PostEntity>> {
    const visible = new Map<string, PostEntity>();
    if (!pairs.length) return visible;
    const { raw, entities } = await this.dataSource
      .getRepository(PostEntity)
      .createQueryBuilder('p')
      .innerJoin(
        '(SELECT * FROM unnest(CAST(:postIds AS uuid[]), CAST(:viewerIds AS uuid[])) AS pair(post_id, viewer_id))',
        'v',
        'v.post_id = p.id',
        { postIds: pairs.map((pair) => pair.postId), viewerIds: pairs.map((pair) => pair.viewerId) },
      )
      .addSelect('v.viewer_id', 'pair_viewer_id')
      .where(visibleToEach('p', 'v.viewer_id'))
      .getRawAndEntities<{ p_id: string; pair_viewer_id: string }>();
    const byId = new Map(entities.map((post) => [post.id, post]));
    for (const row of raw) {
      const post = byId.get(row.p_id);
      if (post) visible.set(`${row.p_id} ${row.pair_viewer_id}`, post);
    }
    return visible;
  }

  /**
   * The posts of `ids` that `viewerId` may see. Every read of a post by id comes here (a like, a
   * boost, a reply, a status page), so its statement is prepared (ADR 0067): the ids go in one
   * array parameter, and the text is one of two (anonymous or not). Planning the visibility rule
   * took longer than running it.
   */
  async findVisibleByIds(ids: string[], viewerId: string | null): Promise<PostEntity[]> {
    if (!ids.length) return [];
    const visible = visibleTo('p', viewerId);
    const [sql, params] = this.dataSource
      .getRepository(PostEntity)
      .createQueryBuilder('p')
      .select(this.rows.select('p', 'p_'))
      .where('p.id = ANY(CAST(:ids AS uuid[]))', { ids })
      .andWhere(visible.sql, visible.params)
      .getQueryAndParameters();
    const rows = await this.dataSource.query<Record<string, unknown>[]>(
      preparedStatement(sql, { constant: true }),
      params,
    );
    return rows.map((row) => this.rows.map(row, 'p_'));
  }

  /** Visible replies, oldest first (a thread reads top to bottom); `limit + 1` rows for paging. */
  findReplies(postId: string, viewerId: string | null, afterId: string | null, limit: number): Promise<PostEntity[]> {
    const visible = visibleTo('p', viewerId);
    const query = this.dataSource
      .getRepository(PostEntity)
      .createQueryBuilder('p')
      .where('p.in_reply_to_id = :postId', { postId })
      .andWhere(visible.sql, visible.params);
    if (afterId) query.andWhere('p.id > :afterId', { afterId });
    return query
      .orderBy('p.id', 'ASC')
      .limit(limit + 1)
      .getMany();
  }

  /**
   * The ids above a post in its reply chain, nearest first (at most `limit`): what a thread's
   * ancestors are made of, before the visibility rule.
   */
  async ancestorIds(postId: string, limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `WITH RECURSIVE up AS (
         SELECT p.in_reply_to_id AS id, 1 AS depth FROM posts p WHERE p.id = $1
         UNION ALL
         SELECT p.in_reply_to_id, up.depth + 1 FROM posts p JOIN up ON p.id = up.id
         WHERE up.depth < $2
       ) SELECT id FROM up WHERE id IS NOT NULL ORDER BY depth`,
      [postId, limit],
    );
    return rows.map((row) => row.id);
  }

  /**
   * The replies under a post, every level (at most `limit` rows), each with the post it answers:
   * a thread's descendants before the visibility rule. Follows posts_in_reply_to_idx.
   */
  async descendantIds(postId: string, limit: number): Promise<{ id: string; parentId: string }[]> {
    const rows = await this.dataSource.query<{ id: string; in_reply_to_id: string }[]>(
      `WITH RECURSIVE down AS (
         SELECT p.id, p.in_reply_to_id, 1 AS depth FROM posts p WHERE p.in_reply_to_id = $1
         UNION ALL
         SELECT p.id, p.in_reply_to_id, down.depth + 1 FROM posts p JOIN down ON p.in_reply_to_id = down.id
         WHERE down.depth < 256
       ) SELECT id, in_reply_to_id FROM down ORDER BY depth, id LIMIT $2`,
      [postId, limit],
    );
    return rows.map((row) => ({ id: row.id, parentId: row.in_reply_to_id }));
  }

  /** The root of the post's reply chain (the post itself when it replies to nothing stored). */
  async threadRootId(postId: string): Promise<string> {
    const chain = await this.ancestorIds(postId, 1000);
    return chain.length ? chain[chain.length - 1] : postId;
  }

  /** The post an account's `Idempotency-Key` names, if the key was used within `ttlSeconds`. */
  async findIdempotentPostId(accountId: string, key: string, ttlSeconds: number): Promise<string | null> {
    const rows = await this.dataSource.query<{ post_id: string }[]>(
      `SELECT post_id FROM post_idempotency_keys
       WHERE account_id = $1 AND key = $2 AND created_at > now() - make_interval(secs => $3)`,
      [accountId, key, ttlSeconds],
    );
    return rows[0]?.post_id ?? null;
  }

  /**
   * Records that `key` names `postId` (taking over a key older than `ttlSeconds`); false when a
   * live key exists — then a concurrent request with the same key won and this one must not post.
   */
  async claimIdempotencyKey(
    manager: EntityManager,
    accountId: string,
    key: string,
    postId: string,
    ttlSeconds: number,
  ): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO post_idempotency_keys (account_id, key, post_id) VALUES ($1, $2, $3)
       ON CONFLICT (account_id, key) DO UPDATE SET post_id = EXCLUDED.post_id, created_at = now()
       WHERE post_idempotency_keys.created_at <= now() - make_interval(secs => $4)
       RETURNING post_id`,
      [accountId, key, postId, ttlSeconds],
    );
    return rows.length === 1;
  }

  /** Forgets keys older than `ttlSeconds`. */
  async purgeIdempotencyKeys(ttlSeconds: number): Promise<void> {
    await this.dataSource
      .getRepository(PostIdempotencyKeyEntity)
      .createQueryBuilder()
      .delete()
      .where('created_at <= now() - make_interval(secs => :ttl)', { ttl: ttlSeconds })
      .execute();
  }

  findEdits(postId: string): Promise<PostEditEntity[]> {
    return this.dataSource.getRepository(PostEditEntity).find({ where: { postId }, order: { id: 'ASC' } });
  }

  /**
   * Inserts a post unless one with its `uri` (a remote post's ActivityPub id) is stored already:
   * null then, a redelivery. A local post has no uri and always goes in.
   */
  async insert(manager: EntityManager, post: Partial<PostEntity> & { id: string }): Promise<PostEntity | null> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(PostEntity)
      .values(post)
      .orIgnore()
      .returning(['id'])
      .execute();
    if (!(result.raw as unknown[]).length) return null;
    return manager.findOneByOrFail(PostEntity, { id: post.id });
  }

  /** Locks the post's row for a write (an edit) until commit; null when it is missing. */
  lockForWrite(manager: EntityManager, id: string): Promise<PostEntity | null> {
    return manager
      .getRepository(PostEntity)
      .createQueryBuilder('p')
      .setLock('pessimistic_write')
      .where('p.id = :id', { id })
      .getOne();
  }

  async saveEdit(
    manager: EntityManager,
    previous: PostEntity,
    supersededVersionCreatedAt: Date,
    pollOptions: string[] | null,
  ): Promise<void> {
    await manager.insert(PostEditEntity, {
      id: uuidv7(),
      postId: previous.id,
      title: previous.title,
      source: previous.source,
      content: previous.content,
      summary: previous.summary,
      contentWarning: previous.contentWarning,
      pollOptions,
      createdAt: supersededVersionCreatedAt,
    });
  }

  async update(manager: EntityManager, id: string, changes: Partial<PostEntity>): Promise<void> {
    await manager.update(PostEntity, { id }, changes);
  }

  /** The local accounts whose boost of `postId` stands (they hear of its edits). */
  async localBoosterIds(manager: EntityManager, postId: string): Promise<string[]> {
    const rows = await manager.query<{ account_id: string }[]>(
      'SELECT DISTINCT account_id FROM posts WHERE boost_of_id = $1 AND deleted_at IS NULL AND local',
      [postId],
    );
    return rows.map((row) => row.account_id);
  }

  /** Adds mentions not yet recorded; returns the account ids that were new. */
  async addMentions(manager: EntityManager, postId: string, accountIds: string[]): Promise<string[]> {
    if (!accountIds.length) return [];
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(MentionEntity)
      .values(accountIds.map((accountId) => ({ postId, accountId })))
      .orIgnore()
      .returning(['accountId'])
      .execute();
    return (result.raw as { account_id: string }[]).map((row) => row.account_id);
  }

  async mentionedAccountIds(postId: string, manager: EntityManager = this.dataSource.manager): Promise<string[]> {
    const rows = await manager.getRepository(MentionEntity).findBy({ postId });
    return rows.map((row) => row.accountId);
  }

  async mentionedAccountIdsByPost(postIds: string[]): Promise<Map<string, string[]>> {
    const rows = postIds.length
      ? await this.dataSource.getRepository(MentionEntity).findBy({ postId: In(postIds) })
      : [];
    const byPost = new Map<string, string[]>();
    for (const row of rows) byPost.set(row.postId, [...(byPost.get(row.postId) ?? []), row.accountId]);
    return byPost;
  }

  /** Replaces the post's hashtags with `names` (creating tags that do not exist yet). */
  async setHashtags(manager: EntityManager, postId: string, names: string[]): Promise<void> {
    await manager.delete(PostHashtagEntity, { postId });
    if (!names.length) return;
    await manager
      .createQueryBuilder()
      .insert()
      .into(HashtagEntity)
      .values(names.map((name) => ({ id: uuidv7(), name })))
      .orIgnore()
      .execute();
    const tags = await manager.findBy(HashtagEntity, { name: In(names) });
    await manager.insert(
      PostHashtagEntity,
      tags.map((tag) => ({ postId, hashtagId: tag.id })),
    );
  }

  async hashtagsByPost(postIds: string[]): Promise<Map<string, string[]>> {
    const byPost = new Map<string, string[]>();
    if (!postIds.length) return byPost;
    const rows = await this.dataSource.query<{ post_id: string; name: string }[]>(
      `SELECT ph.post_id, h.name FROM post_hashtags ph JOIN hashtags h ON h.id = ph.hashtag_id
       WHERE ph.post_id = ANY($1) ORDER BY h.name`,
      [postIds],
    );
    for (const row of rows) byPost.set(row.post_id, [...(byPost.get(row.post_id) ?? []), row.name]);
    return byPost;
  }

  async adjustRepliesCount(manager: EntityManager, postId: string, delta: 1 | -1): Promise<void> {
    await manager.query('UPDATE posts SET replies_count = GREATEST(replies_count + $2, 0) WHERE id = $1', [
      postId,
      delta,
    ]);
  }

  /** The author's `postsCount` (identity's column, through its repository). */
  adjustAuthorPostsCount(manager: EntityManager, accountId: string, delta: 1 | -1): Promise<void> {
    return this.accountState.adjustPostsCount(manager, accountId, delta);
  }

  /** A remote post (or a remote boost) by its ActivityPub id. */
  findByUri(uri: string, manager: EntityManager = this.dataSource.manager): Promise<PostEntity | null> {
    return manager.findOneBy(PostEntity, { uri });
  }

  /** Tombstones the boosts of a deleted post; returns how many. */
  async tombstoneBoostsOf(manager: EntityManager, postId: string): Promise<number> {
    const result = await manager.query<[unknown[], number]>(
      'UPDATE posts SET deleted_at = now() WHERE boost_of_id = $1 AND deleted_at IS NULL',
      [postId],
    );
    return result[1];
  }
}
