import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PostEntity } from '@guildhall/content';
import { DataSource, In } from 'typeorm';
import { cursorParam, pageSql, type PageQuery } from './page';

/** An account at the other end of a follow, as a collection item or a delivery recipient. */
export interface GraphAccountRow {
  /** The follow's id: the page cursor. */
  id: string;
  username: string;
  domain: string | null;
  uri: string | null;
  inboxUrl: string | null;
  sharedInboxUrl: string | null;
}

/** The post a boost boosts, as an Announce names it. */
export interface BoostedRow {
  id: string;
  local: boolean;
  uri: string | null;
  visibility: PostEntity['visibility'];
  authorId: string;
  authorUsername: string;
  authorDomain: string | null;
  authorUri: string | null;
}

interface RawGraphRow {
  id: string;
  username: string;
  domain: string | null;
  uri: string | null;
  inbox_url: string | null;
  shared_inbox_url: string | null;
}

const toGraphRow = (row: RawGraphRow): GraphAccountRow => ({
  id: row.id,
  username: row.username,
  domain: row.domain,
  uri: row.uri,
  inboxUrl: row.inbox_url,
  sharedInboxUrl: row.shared_inbox_url,
});

/** What everyone may see in an outbox or a replies collection. */
const LISTED = `visibility IN ('public', 'unlisted') AND deleted_at IS NULL`;

/** Reads behind the followers, following, outbox and replies collections: one query per method. */
@Injectable()
export class CollectionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private async graphPage(side: 'followers' | 'following', accountId: string, query: PageQuery) {
    const [own, other] = side === 'followers' ? ['followee_id', 'follower_id'] : ['follower_id', 'followee_id'];
    const { where, order } = pageSql('f.id', query, 2);
    const rows = await this.dataSource.query<RawGraphRow[]>(
      `SELECT f.id, a.username, a.domain, a.uri, a.inbox_url, a.shared_inbox_url
       FROM follows f JOIN accounts a ON a.id = f.${other}
       WHERE f.${own} = $1 AND f.state = 'accepted' ${where}
       ORDER BY ${order} LIMIT $3`,
      [accountId, cursorParam(query), query.limit],
    );
    return rows.map(toGraphRow);
  }

  /** Accounts following `accountId` (accepted), by follow id. */
  followersPage(accountId: string, query: PageQuery): Promise<GraphAccountRow[]> {
    return this.graphPage('followers', accountId, query);
  }

  /** Accounts `accountId` follows (accepted), by follow id. */
  followingPage(accountId: string, query: PageQuery): Promise<GraphAccountRow[]> {
    return this.graphPage('following', accountId, query);
  }

  /** Every accepted follower (Fedify's one-shot `followers` recipients). */
  async allFollowers(accountId: string): Promise<GraphAccountRow[]> {
    const rows = await this.dataSource.query<RawGraphRow[]>(
      `SELECT f.id, a.username, a.domain, a.uri, a.inbox_url, a.shared_inbox_url
       FROM follows f JOIN accounts a ON a.id = f.follower_id
       WHERE f.followee_id = $1 AND f.state = 'accepted' AND a.suspended_at IS NULL
       ORDER BY f.id DESC`,
      [accountId],
    );
    return rows.map(toGraphRow);
  }

  /** The account's public and unlisted posts and boosts, by id. */
  async outboxPage(accountId: string, query: PageQuery): Promise<PostEntity[]> {
    const { where, order } = pageSql('id', query, 2);
    const ids = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM posts WHERE account_id = $1 AND ${LISTED} ${where} ORDER BY ${order} LIMIT $3`,
      [accountId, cursorParam(query), query.limit],
    );
    if (ids.length === 0) return [];
    const posts = await this.dataSource.getRepository(PostEntity).findBy({ id: In(ids.map((row) => row.id)) });
    const byId = new Map(posts.map((post) => [post.id, post]));
    return ids.map((row) => byId.get(row.id)).filter((post): post is PostEntity => post !== undefined);
  }

  async outboxCount(accountId: string): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM posts WHERE account_id = $1 AND ${LISTED}`,
      [accountId],
    );
    return row.n;
  }

  /** The posts these boosts boost, with their authors. */
  async boosted(ids: string[]): Promise<Map<string, BoostedRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.dataSource.query<
      {
        id: string;
        local: boolean;
        uri: string | null;
        visibility: PostEntity['visibility'];
        account_id: string;
        username: string;
        domain: string | null;
        author_uri: string | null;
      }[]
    >(
      `SELECT p.id, p.local, p.uri, p.visibility, p.account_id, a.username, a.domain, a.uri AS author_uri
       FROM posts p JOIN accounts a ON a.id = p.account_id WHERE p.id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          local: row.local,
          uri: row.uri,
          visibility: row.visibility,
          authorId: row.account_id,
          authorUsername: row.username,
          authorDomain: row.domain,
          authorUri: row.author_uri,
        },
      ]),
    );
  }

  /** Public and unlisted replies to a post (local or remote), by id. */
  repliesPage(postId: string, query: PageQuery): Promise<Pick<PostEntity, 'id' | 'local' | 'uri'>[]> {
    const { where, order } = pageSql('id', query, 2);
    return this.dataSource.query(
      `SELECT id, local, uri FROM posts
       WHERE in_reply_to_id = $1 AND boost_of_id IS NULL AND ${LISTED} ${where}
       ORDER BY ${order} LIMIT $3`,
      [postId, cursorParam(query), query.limit],
    );
  }

  async repliesCount(postId: string): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM posts WHERE in_reply_to_id = $1 AND boost_of_id IS NULL AND ${LISTED}`,
      [postId],
    );
    return row.n;
  }
}
