import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { BoundedMap, preparedStatement, RowMapper, withArrayRows } from '@guildhall/core';
import { AccountEntity } from '@guildhall/identity';
import { muteInForce } from '@guildhall/social';
import { DataSource } from 'typeorm';
import { MediaAttachmentEntity } from '../media/media-attachment.entity';
import { PostEntity } from '../posts/post.entity';
import { visibleTo } from '../posts/post-visibility';
import { positional, positionalStatement, type PositionalStatement } from './positional-sql';
import { boostedVisible, domainsNotBlocked, FOLLOW_OPTIONS, fromOrigin, WITH_MEDIA } from './timeline-conditions';
import { extrasReader, STATUS_EXTRAS, TimelineRowLayout } from './timeline-row';
import type { AccountTimelineFilter, HashtagQuery, TimelineFilter, TimelinePage, TimelinePost } from './timeline.types';

type Params = Record<string, unknown>;

/** How many windowed statement shapes one repository keeps (kinds × viewer × extras × cursors × sizes). */
const WINDOWED_SHAPES = 64;

/**
 * Timeline queries. Every one pages by the time-ordered id (`id < after`, newest first) and
 * applies the visibility rule, the viewer's blocks and mutes; each returns `limit + 1` rows with
 * their authors and media (the resolver primes the request's loaders with them) — except a
 * `minId` page, which is the `limit` posts just newer than `minId` (read oldest first, returned
 * newest first), so there is no extra row.
 *
 * Hand-written SQL read through RowMapper, not TypeORM's query builder: building and hydrating
 * cost a third of a timeline request's CPU (`npm run bench:timeline`).
 */
@Injectable()
export class TimelineRepository {
  private readonly posts: RowMapper<PostEntity>;
  private readonly accounts: RowMapper<AccountEntity>;
  private readonly media: RowMapper<MediaAttachmentEntity>;
  /** Select lists by `withExtras` and whether a boost's original comes in its row. */
  private readonly layouts = new Map<string, TimelineRowLayout>();
  /**
   * How many posts past the cursor a HOME or list page walks before it reads the rest per account
   * (ADR 0059): enough that a reader whose followees post at all regularly fills the page inside
   * it, few enough that walking all of it stays in milliseconds. Tests narrow it.
   */
  protected readonly window: number = 2_000;
  /**
   * HOME's and lists' windowed statements by shape (see `run`'s `kind`): each is several KB of
   * text, and building it and looking its translation up by that text on every page cost 2.4% of
   * a REST home page (ADR 0068).
   */
  private readonly windowed = new BoundedMap<string, PositionalStatement>(WINDOWED_SHAPES);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.posts = new RowMapper(dataSource, PostEntity);
    this.accounts = new RowMapper(dataSource, AccountEntity);
    this.media = new RowMapper(dataSource, MediaAttachmentEntity);
  }

  /**
   * A page's select list: the post (`p`), its author and media; with extras, StatusExtras; with
   * the original, a boost's original (`o`), its author (`oa`) and media.
   */
  private layout(withExtras: boolean, withOriginal: boolean): TimelineRowLayout {
    const key = `${withExtras}:${withOriginal}`;
    let layout = this.layouts.get(key);
    if (!layout) {
      const mediaOf = (alias: string) => `coalesce((SELECT json_agg(row_to_json(m) ORDER BY m.position, m.id)
                FROM media_attachments m WHERE m.post_id = ${alias}.id), '[]'::json)`;
      layout = new TimelineRowLayout([
        { mapper: this.posts, alias: 'p', prefix: 'p_' },
        { mapper: this.accounts, alias: 'author', prefix: 'a_' },
        { name: 'p_media', sql: mediaOf('p') },
        ...(withExtras ? STATUS_EXTRAS : []),
        ...(withOriginal
          ? [
              { mapper: this.posts, alias: 'o', prefix: 'o_' },
              { mapper: this.accounts, alias: 'oa', prefix: 'oa_' },
              { name: 'o_media', sql: `CASE WHEN o.id IS NOT NULL THEN ${mediaOf('o')} END` },
            ]
          : []),
      ]);
      this.layouts.set(key, layout);
    }
    return layout;
  }

  /**
   * `authors`, when given, is SQL for every account whose posts the timeline can show (HOME: the
   * viewer and whom they follow; a list: its members), and the page is read in two bounded steps
   * (ADR 0059) instead of one walk of `posts` newest first, which for a reader whose followees
   * barely post reads the whole table:
   *
   * 1. the walk, over only the `window` posts just past the cursor (a LIMIT inside the subquery:
   *    the scan stops there, or as soon as the page is full, so a reader whose followees post at
   *    all regularly reads no more than before);
   * 2. only when that found fewer rows than the page needs and posts remain past the window (a
   *    probe of the primary key that a full page never runs): for each account of `authors`, its
   *    next posts past the last row found (or the cursor) through `posts (account_id, id)`, with
   *    every rule applied inside that account's subquery (a rule applied after the per-account
   *    LIMIT would lose rows), merged.
   *
   * Step 1 returned every matching post of its window, so the rows of step 2 are exactly the ones
   * that follow them: the page is the one the unbounded walk returns, wherever the window ends.
   *
   * `kind` (with `authors`): the caller's conditions and `authors` are the same text for every
   * page of that kind but for whether there is a viewer, so step 1's statement is built once per
   * kind and page shape (viewer, extras, cursors, size) and reused.
   */
  private async run(
    page: TimelinePage,
    conditions: string[],
    params: Params = {},
    authors?: string,
    kind?: 'home' | 'list',
  ): Promise<TimelinePost[]> {
    const visible = visibleTo('p', page.viewerId);
    const where = [visible.sql, ...conditions];
    if (page.viewerId) {
      where.push(
        `NOT EXISTS (SELECT 1 FROM mutes tm WHERE tm.account_id = :viewerId AND tm.target_id = p.account_id
                     AND ${muteInForce('tm')})`,
      );
    }
    const order = page.minId ? 'ASC' : 'DESC';
    const boostJoin = conditions.some((c) => c.includes('o.id')) ? 'LEFT JOIN posts o ON o.id = p.boost_of_id' : '';
    // With extras (the Mastodon API), a boost's original comes in the same row: its author and
    // media too, for the renderer's loaders; the walk already checked it is visible.
    const withOriginal = Boolean(page.withExtras && boostJoin);
    const originalJoin = withOriginal ? 'LEFT JOIN accounts oa ON oa.id = o.account_id' : '';
    const layout = this.layout(Boolean(page.withExtras), withOriginal);
    const columns = layout.sql;
    const cursor = (alias: string) => [
      ...(page.afterId ? [`${alias}.id < :afterId`] : []),
      ...(page.sinceId ? [`${alias}.id > :sinceId`] : []),
      ...(page.minId ? [`${alias}.id > :minId`] : []),
    ];
    const values: Params = {
      ...visible.params,
      ...params,
      viewerId: page.viewerId,
      afterId: page.afterId,
      sinceId: page.sinceId ?? null,
      minId: page.minId ?? null,
      limit: page.minId ? page.limit : page.limit + 1,
    };
    const walkLimited = (limit: string) => `SELECT ${columns}
      FROM ${authors ? `(SELECT * FROM posts wp WHERE ${['true', ...cursor('wp')].join(' AND ')} ORDER BY wp.id ${order} LIMIT ${this.window})` : 'posts'} p
        JOIN accounts author ON author.id = p.account_id ${boostJoin} ${originalJoin}
      WHERE ${[...where, ...cursor('p')].join(' AND ')}
      ORDER BY p.id ${order} LIMIT ${limit}`;
    const walk = walkLimited(':limit');
    if (!authors) {
      const [text, parameters] = positional(walk, values);
      return this.mapped(page, layout, await this.dataSource.query(withArrayRows(text), parameters));
    }
    // HOME and list pages are the hot path: their statement is a named prepared statement
    // (ADR 0066), the page size written in it (a whole number, never user text) so that
    // PostgreSQL's generic plan is costed as the custom one and kept: planning it took longer
    // than running it.
    const limit = String(values.limit);
    if (!/^[1-9]\d{0,3}$/.test(limit)) throw new Error(`timeline page size must be a whole number: ${limit}`);
    const shape = kind
      ? `${kind}:${page.viewerId ? 'viewer' : ''}:${page.withExtras ? 'extras' : ''}:${page.afterId ? 'after' : ''}:${page.sinceId ? 'since' : ''}:${page.minId ? 'min' : ''}:${limit}`
      : undefined;
    let statement = shape ? this.windowed.get(shape) : undefined;
    if (!statement) {
      statement = positionalStatement(walkLimited(limit));
      if (shape) {
        // Bounded as the translations are: past it, the oldest shape is built again when next asked for.
        this.windowed.set(shape, statement);
      }
    }
    const parameters = statement.names.map((name) => values[name]);
    const found = await this.dataSource.query<unknown[][]>(
      withArrayRows(preparedStatement(statement.text)),
      parameters,
    );
    const id = layout.at('p_') + this.posts.indexOf('id');
    // Only a short page asks whether posts remain past the window (a full page is one statement).
    const beyond = found.length < (values.limit as number) && (await this.pastWindow(cursor('bw'), order, values));
    if (beyond) {
      const last = found.at(-1)?.[id] as string | undefined;
      const past = last ? [`p.id ${order === 'DESC' ? '<' : '>'} :lastId`] : [];
      found.push(
        ...(await this.perAuthor(
          positional(
            `WITH c AS MATERIALIZED (
               SELECT c.id FROM (${authors}) fa(account_id) CROSS JOIN LATERAL (
                 SELECT p.id FROM posts p JOIN accounts author ON author.id = p.account_id ${boostJoin}
                 WHERE p.account_id = fa.account_id AND ${[...where, ...cursor('p'), ...past].join(' AND ')}
                 ORDER BY p.id ${order} LIMIT :limit) c
               ORDER BY c.id ${order} LIMIT :limit)
             SELECT ${columns}
             FROM c JOIN posts p ON p.id = c.id JOIN accounts author ON author.id = p.account_id
               ${withOriginal ? `${boostJoin} ${originalJoin}` : ''}
             ORDER BY p.id ${order}`,
            { ...values, lastId: last, limit: (values.limit as number) - found.length },
          ),
        )),
      );
    }
    return this.mapped(page, layout, found);
  }

  /**
   * Whether any post lies past the window that step 1 walked from the cursor (`bwCursor`, over
   * alias `bw`): only then can step 2 find rows (ADR 0059). A probe of the primary key, run for
   * short pages only.
   */
  private async pastWindow(bwCursor: string[], order: 'ASC' | 'DESC', values: Params): Promise<boolean> {
    const [text, parameters] = positional(
      `SELECT EXISTS (SELECT 1 FROM posts bw WHERE ${['true', ...bwCursor].join(' AND ')}
                      ORDER BY bw.id ${order} OFFSET ${this.window} LIMIT 1) AS beyond`,
      values,
    );
    const [row] = await this.dataSource.query<{ beyond: boolean }[]>(text, parameters);
    return row.beyond;
  }

  /** Array rows (`layout`'s columns in order) as TimelinePosts, newest first. */
  private mapped(page: TimelinePage, layout: TimelineRowLayout, rows: unknown[][]): TimelinePost[] {
    if (page.minId) rows.reverse();
    const [post, author, media] = [layout.at('p_'), layout.at('a_'), layout.at('p_media')];
    const original = layout.has('o_') ? [layout.at('o_'), layout.at('oa_'), layout.at('o_media')] : null;
    const [postId, accountId] = [this.posts.indexOf('id'), this.accounts.indexOf('id')];
    const mediaOf = (value: unknown) => (value as Record<string, unknown>[]).map((row) => this.media.map(row, ''));
    const extrasOf = page.withExtras ? extrasReader(layout) : null;
    return rows.map((row) => {
      const mapped = this.posts.mapAt(row, post);
      return {
        ...mapped,
        account: this.accounts.mapAt(row, author),
        media: mediaOf(row[media]),
        ...(extrasOf ? { extras: extrasOf(row, mapped.boostOfId ?? mapped.id) } : {}),
        // A boost's original and its author: both there, or it is not one (or not visible).
        ...(original && row[original[0] + postId] != null && row[original[1] + accountId] != null
          ? {
              original: {
                post: this.posts.mapAt(row, original[0]),
                account: this.accounts.mapAt(row, original[1]),
                media: mediaOf(row[original[2]]),
              },
            }
          : {}),
      };
    });
  }

  /**
   * Step 2 of a windowed page, with JIT off for this statement: PostgreSQL costs each account's
   * subquery as if it read a third of that account's posts, so the estimate (~2,000 per account)
   * passes `jit_above_cost` from ~50 accounts on, and compiling the plan took 0.35–13 s (ADR 0059)
   * for a statement that runs in a few milliseconds.
   */
  private perAuthor([sql, values]: [string, unknown[]]): Promise<unknown[][]> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL jit = off');
      return manager.query<unknown[][]>(withArrayRows(sql), values);
    });
  }

  /**
   * The viewer's own posts and those of accounts they follow, as the follow's options allow
   * (FOLLOW_OPTIONS); accounts on one of the viewer's exclusive lists stay out (they show only in
   * that list). The exclusive-list subquery does not depend on the row, so PostgreSQL hashes it
   * once per query.
   */
  home(page: TimelinePage & { viewerId: string }): Promise<TimelinePost[]> {
    const authors = `SELECT :viewerId::uuid UNION
      SELECT hf.followee_id FROM follows hf WHERE hf.follower_id = :viewerId AND hf.state = 'accepted'`;
    return this.run(
      page,
      [
        `(p.account_id = :viewerId OR p.account_id IN (
         SELECT hf.followee_id FROM follows hf WHERE hf.follower_id = :viewerId AND hf.state = 'accepted'))`,
        ...FOLLOW_OPTIONS,
        `p.account_id NOT IN (SELECT xa.account_id FROM list_accounts xa JOIN lists xl ON xl.id = xa.list_id
         WHERE xl.account_id = :viewerId AND xl.exclusive)`,
        boostedVisible(page.viewerId),
        ...domainsNotBlocked(page.viewerId),
        `(p.boost_of_id IS NULL OR NOT EXISTS (
         SELECT 1 FROM accounts oa JOIN account_domain_blocks odb ON odb.domain = oa.domain
         WHERE oa.id = o.account_id AND odb.account_id = :viewerId))`,
      ],
      {},
      authors,
      'home',
    );
  }

  /**
   * A list's timeline (the caller has checked the viewer owns it): posts and boosts of its
   * members, with the home rules (the owner's follow options included: hidden boosts and
   * languages, as Mastodon filters a list), and replies to others as its `replies_policy` says —
   * `list`: to members, `followed`: to accounts the viewer follows (or the viewer), `none`: none.
   */
  list(page: TimelinePage & { viewerId: string }, listId: string): Promise<TimelinePost[]> {
    return this.run(
      page,
      [
        `p.account_id IN (SELECT la.account_id FROM list_accounts la WHERE la.list_id = :listId)`,
        `(p.in_reply_to_account_id IS NULL OR p.in_reply_to_account_id = p.account_id OR (
           SELECT CASE rl.replies_policy
             WHEN 'list' THEN EXISTS (SELECT 1 FROM list_accounts rla
                                      WHERE rla.list_id = rl.id AND rla.account_id = p.in_reply_to_account_id)
             WHEN 'followed' THEN p.in_reply_to_account_id = :viewerId OR EXISTS (
                SELECT 1 FROM follows rf WHERE rf.follower_id = :viewerId
                  AND rf.followee_id = p.in_reply_to_account_id AND rf.state = 'accepted')
             ELSE false END
           FROM lists rl WHERE rl.id = :listId))`,
        ...FOLLOW_OPTIONS,
        boostedVisible(page.viewerId),
      ],
      { listId },
      'SELECT la.account_id FROM list_accounts la WHERE la.list_id = :listId',
      'list',
    );
  }

  /**
   * Public posts: written here (LOCAL), known here (FEDERATED) or only those from elsewhere
   * (`remote`). No boosts, no unlisted posts.
   */
  publicPosts(page: TimelinePage, localOnly: boolean, filter: TimelineFilter = {}): Promise<TimelinePost[]> {
    const origin = localOnly ? 'local' : (filter.origin ?? 'all');
    return this.run(page, [
      `p.visibility = 'public' AND p.boost_of_id IS NULL`,
      ...fromOrigin(origin),
      ...(filter.onlyMedia ? [WITH_MEDIA] : []),
      ...domainsNotBlocked(page.viewerId),
    ]);
  }

  /** Public posts tagged `tag` (or any of `any`), all of `all`, none of `none`. */
  hashtag(page: TimelinePage, query: string | HashtagQuery, filter: TimelineFilter = {}): Promise<TimelinePost[]> {
    const { tag, any = [], all = [], none = [] } = typeof query === 'string' ? { tag: query } : query;
    const tagged = (names: string) =>
      `SELECT 1 FROM post_hashtags ph JOIN hashtags h ON h.id = ph.hashtag_id WHERE ph.post_id = p.id AND h.name = ${names}`;
    const conditions = [
      `p.visibility = 'public'`,
      any.length ? `EXISTS (${tagged('ANY(:anyTags)')})` : `EXISTS (${tagged(':tag')})`,
      ...(all.length
        ? [
            `(SELECT count(DISTINCT h.name) FROM post_hashtags ph JOIN hashtags h ON h.id = ph.hashtag_id
              WHERE ph.post_id = p.id AND h.name = ANY(:allTags)) = cardinality(:allTags::text[])`,
          ]
        : []),
      ...(none.length ? [`NOT EXISTS (${tagged('ANY(:noneTags)')})`] : []),
      ...fromOrigin(filter.origin),
      ...(filter.onlyMedia ? [WITH_MEDIA] : []),
      ...domainsNotBlocked(page.viewerId),
    ];
    return this.run(page, conditions, {
      tag,
      anyTags: [tag, ...any],
      allTags: [...new Set(all)],
      noneTags: none,
    });
  }

  /** One account's posts and boosts, as the viewer may see them; `filter` narrows them as Mastodon's clients ask. */
  account(page: TimelinePage, accountId: string, filter: AccountTimelineFilter = {}): Promise<TimelinePost[]> {
    const conditions = ['p.account_id = :accountId', boostedVisible(page.viewerId)];
    if (filter.excludeReplies) conditions.push('(p.in_reply_to_id IS NULL OR p.in_reply_to_account_id = p.account_id)');
    if (filter.excludeReblogs || filter.onlyMedia) conditions.push('p.boost_of_id IS NULL');
    if (filter.onlyMedia) conditions.push(WITH_MEDIA);
    if (filter.tagged) {
      conditions.push(`EXISTS (SELECT 1 FROM post_hashtags ph JOIN hashtags h ON h.id = ph.hashtag_id
                               WHERE ph.post_id = p.id AND h.name = :tag)`);
    }
    return this.run(page, conditions, { accountId, tag: filter.tagged ?? null });
  }
}
