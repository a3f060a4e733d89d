import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { uuidv7 } from '@guildhall/core';
import { DataSource } from 'typeorm';

/** A hashtag: its id and its (lower-cased) name. */
export interface HashtagRef {
  id: string;
  name: string;
}

/** A followed hashtag: the follow's id (Mastodon pages by it), the tag's id and name. */
export interface FollowedHashtag {
  id: string;
  tagId: string;
  name: string;
}

export interface TagPage {
  maxId?: string | null;
  sinceId?: string | null;
  minId?: string | null;
  limit: number;
}

@Injectable()
export class TagFollowRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The hashtag of this name, if it exists (some post carried it, or someone followed it). */
  async findByName(name: string): Promise<HashtagRef | undefined> {
    const found = await this.dataSource.query<HashtagRef[]>('SELECT id, name FROM hashtags WHERE name = $1', [name]);
    return found[0];
  }

  /** Follows the tag, creating it if no post carried it yet; answers the tag. */
  follow(accountId: string, name: string): Promise<HashtagRef> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('INSERT INTO hashtags (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
        uuidv7(),
        name,
      ]);
      const [tag] = await manager.query<HashtagRef[]>('SELECT id, name FROM hashtags WHERE name = $1', [name]);
      await manager.query(
        `INSERT INTO followed_hashtags (id, account_id, hashtag_id) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, hashtag_id) DO NOTHING`,
        [uuidv7(), accountId, tag.id],
      );
      return tag;
    });
  }

  /** True when a follow was removed. */
  async unfollow(accountId: string, name: string): Promise<boolean> {
    const [, affected] = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM followed_hashtags f USING hashtags h
       WHERE f.hashtag_id = h.id AND f.account_id = $1 AND h.name = $2`,
      [accountId, name],
    );
    return affected > 0;
  }

  /** Which of `names` the account follows. */
  async followedAmong(accountId: string, names: readonly string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const rows = await this.dataSource.query<{ name: string }[]>(
      `SELECT h.name FROM followed_hashtags f JOIN hashtags h ON h.id = f.hashtag_id
       WHERE f.account_id = $1 AND h.name = ANY($2::text[])`,
      [accountId, [...names]],
    );
    return new Set(rows.map((row) => row.name));
  }

  /** The account's followed tags, newest follow first (oldest first above `minId`, then reversed). */
  async page(accountId: string, page: TagPage): Promise<FollowedHashtag[]> {
    const conditions = ['f.account_id = $1'];
    const params: unknown[] = [accountId];
    if (page.maxId) conditions.push(`f.id < $${params.push(page.maxId)}`);
    const lower = page.minId ?? page.sinceId;
    if (lower) conditions.push(`f.id > $${params.push(lower)}`);
    const rows = await this.dataSource.query<FollowedHashtag[]>(
      `SELECT f.id, h.id AS "tagId", h.name FROM followed_hashtags f JOIN hashtags h ON h.id = f.hashtag_id
       WHERE ${conditions.join(' AND ')}
       ORDER BY f.id ${page.minId ? 'ASC' : 'DESC'} LIMIT $${params.push(page.limit)}`,
      params,
    );
    return page.minId ? rows.reverse() : rows;
  }
}
