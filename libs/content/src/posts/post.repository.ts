import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { uuidv7 } from '@guildhall/core';
import { AccountStateRepository } from '@guildhall/identity';
import { DataSource, type EntityManager, In } from 'typeorm';
import { HashtagEntity } from '../tags/hashtag.entity';
import { MentionEntity } from '../tags/mention.entity';
import { PostHashtagEntity } from '../tags/post-hashtag.entity';
import { PostEditEntity } from './post-edit.entity';
import { PostEntity } from './post.entity';
import { visibleTo } from './post-visibility';

/** Queries over posts and their tags and mentions; writes take the caller's transaction. */
@Injectable()
export class PostRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accountState: AccountStateRepository,
  ) {}

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

  findVisibleByIds(ids: string[], viewerId: string | null): Promise<PostEntity[]> {
    if (!ids.length) return Promise.resolve([]);
    const visible = visibleTo('p', viewerId);
    return this.dataSource
      .getRepository(PostEntity)
      .createQueryBuilder('p')
      .where('p.id IN (:...ids)', { ids })
      .andWhere(visible.sql, visible.params)
      .getMany();
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

  async saveEdit(manager: EntityManager, previous: PostEntity, supersededVersionCreatedAt: Date): Promise<void> {
    await manager.insert(PostEditEntity, {
      id: uuidv7(),
      postId: previous.id,
      title: previous.title,
      source: previous.source,
      content: previous.content,
      summary: previous.summary,
      contentWarning: previous.contentWarning,
      createdAt: supersededVersionCreatedAt,
    });
  }

  async update(manager: EntityManager, id: string, changes: Partial<PostEntity>): Promise<void> {
    await manager.update(PostEntity, { id }, changes);
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
