import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { MediaAttachmentEntity, PollService, type PollView, PostEntity } from '@guildhall/content';
import { AccountEntity } from '@guildhall/identity';
import { DataSource, In } from 'typeorm';
import { preparedStatement } from '@guildhall/core';

/** An account as a post's object needs it: a mention's target, or the author. */
export type ObjectAccount = Pick<AccountEntity, 'id' | 'username' | 'domain' | 'uri'>;

/** Everything a local post's ActivityPub object is built from. */
export interface PostObjectData {
  post: PostEntity;
  author: ObjectAccount;
  /** The replied-to post (null when not a reply, or when it is gone). */
  inReplyTo: Pick<PostEntity, 'id' | 'local' | 'uri'> | null;
  mentions: ObjectAccount[];
  hashtags: string[];
  media: MediaAttachmentEntity[];
  /** Its poll (a Question), as anyone sees it: tallies hidden until it ends when so asked. */
  poll: PollView | null;
}

/** Reads for the object dispatcher: one local, non-boost post and what it refers to. */
@Injectable()
export class PostObjectRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly polls: PollService,
  ) {}

  /** A local post that is not a boost (deleted or not); anything else is no object of ours. */
  findLocalPost(id: string): Promise<PostEntity | null> {
    return this.dataSource.getRepository(PostEntity).findOneBy({ id, local: true });
  }

  async load(post: PostEntity): Promise<PostObjectData | null> {
    return (await this.loadMany([post]))[0] ?? null;
  }

  /** `load` for a page of posts, in a fixed number of queries; posts whose author is gone are left out. */
  async loadMany(posts: PostEntity[]): Promise<PostObjectData[]> {
    if (posts.length === 0) return [];
    const ids = posts.map((post) => post.id);
    const parentIds = [...new Set(posts.map((post) => post.inReplyToId).filter((id): id is string => id !== null))];
    // Independent reads, side by side (bench:fanout: run one after another they were most of the
    // time between a post and its first delivery).
    const [authors, parents, mentions, hashtags, media, polls] = await Promise.all([
      this.dataSource.getRepository(AccountEntity).find({
        where: { id: In([...new Set(posts.map((post) => post.accountId))]) },
        select: { id: true, username: true, domain: true, uri: true },
      }),
      parentIds.length
        ? this.dataSource
            .getRepository(PostEntity)
            .find({ where: { id: In(parentIds) }, select: { id: true, local: true, uri: true } })
        : Promise.resolve([]),
      this.dataSource.query<(ObjectAccount & { post_id: string })[]>(
        preparedStatement(
          `SELECT m.post_id, a.id, a.username, a.domain, a.uri FROM mentions m JOIN accounts a ON a.id = m.account_id
         WHERE m.post_id = ANY($1::uuid[]) ORDER BY a.username, a.domain NULLS FIRST`,
          { constant: true },
        ),
        [ids],
      ),
      this.dataSource.query<{ post_id: string; name: string }[]>(
        preparedStatement(
          `SELECT ph.post_id, h.name FROM post_hashtags ph JOIN hashtags h ON h.id = ph.hashtag_id
         WHERE ph.post_id = ANY($1::uuid[]) ORDER BY h.name`,
          { constant: true },
        ),
        [ids],
      ),
      this.dataSource
        .getRepository(MediaAttachmentEntity)
        .find({ where: { postId: In(ids) }, order: { position: 'ASC', id: 'ASC' } }),
      this.polls.pollsForPosts(ids, null),
    ]);
    const authorById = new Map(authors.map((author) => [author.id, author]));
    const parentById = new Map(parents.map((parent) => [parent.id, parent]));
    return posts.flatMap((post) => {
      const author = authorById.get(post.accountId);
      if (!author) return [];
      return [
        {
          post,
          author,
          inReplyTo: post.inReplyToId ? (parentById.get(post.inReplyToId) ?? null) : null,
          mentions: mentions
            .filter((row) => row.post_id === post.id)
            .map(({ id, username, domain, uri }) => ({ id, username, domain, uri })),
          hashtags: hashtags.filter((row) => row.post_id === post.id).map((row) => row.name),
          media: media.filter((item) => item.postId === post.id),
          poll: polls.get(post.id) ?? null,
        },
      ];
    });
  }
}
