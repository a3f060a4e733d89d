import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { MediaAttachmentEntity, PostEntity } from '@guildhall/content';
import { AccountEntity } from '@guildhall/identity';
import { DataSource } from 'typeorm';

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
}

/** Reads for the object dispatcher: one local, non-boost post and what it refers to. */
@Injectable()
export class PostObjectRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A local post that is not a boost (deleted or not); anything else is no object of ours. */
  findLocalPost(id: string): Promise<PostEntity | null> {
    return this.dataSource.getRepository(PostEntity).findOneBy({ id, local: true });
  }

  async load(post: PostEntity): Promise<PostObjectData | null> {
    const author = await this.dataSource
      .getRepository(AccountEntity)
      .findOne({ where: { id: post.accountId }, select: { id: true, username: true, domain: true, uri: true } });
    if (!author) return null;
    const inReplyTo = post.inReplyToId
      ? await this.dataSource
          .getRepository(PostEntity)
          .findOne({ where: { id: post.inReplyToId }, select: { id: true, local: true, uri: true } })
      : null;
    const mentions = await this.dataSource.query<
      { id: string; username: string; domain: string | null; uri: string | null }[]
    >(
      `SELECT a.id, a.username, a.domain, a.uri FROM mentions m JOIN accounts a ON a.id = m.account_id
       WHERE m.post_id = $1 ORDER BY a.username, a.domain NULLS FIRST`,
      [post.id],
    );
    const hashtags = await this.dataSource.query<{ name: string }[]>(
      `SELECT h.name FROM post_hashtags ph JOIN hashtags h ON h.id = ph.hashtag_id
       WHERE ph.post_id = $1 ORDER BY h.name`,
      [post.id],
    );
    const media = await this.dataSource
      .getRepository(MediaAttachmentEntity)
      .find({ where: { postId: post.id }, order: { position: 'ASC', id: 'ASC' } });
    return {
      post,
      author,
      inReplyTo,
      mentions,
      hashtags: hashtags.map((row) => row.name),
      media,
    };
  }
}
