import { Injectable, type OnModuleInit } from '@nestjs/common';
import { LoaderFactories, LoaderKey } from '@guildhall/core';
import DataLoader from 'dataloader';
import type { PostEntity } from './post.entity';
import { PostRepository } from './post.repository';

/** Posts by id as the requesting viewer may see them (null otherwise): inReplyTo, boostOf, notifications. */
export const VISIBLE_POST_BY_ID = new LoaderKey<PostEntity | null>('visiblePostById');
/** Hashtag names of a post. */
export const HASHTAGS_BY_POST_ID = new LoaderKey<string[]>('hashtagsByPostId');
/** Ids of the accounts a post mentions. */
export const MENTIONS_BY_POST_ID = new LoaderKey<string[]>('mentionsByPostId');

@Injectable()
export class PostLoaderRegistrar implements OnModuleInit {
  constructor(
    private readonly loaders: LoaderFactories,
    private readonly posts: PostRepository,
  ) {}

  onModuleInit(): void {
    this.loaders.register(
      VISIBLE_POST_BY_ID,
      (request) =>
        new DataLoader<string, PostEntity | null>(async (ids) => {
          const rows = await this.posts.findVisibleByIds([...ids], request.user?.accountId ?? null);
          const byId = new Map(rows.map((row) => [row.id, row]));
          return ids.map((id) => byId.get(id) ?? null);
        }),
    );
    this.loaders.register(
      HASHTAGS_BY_POST_ID,
      () =>
        new DataLoader<string, string[]>(async (ids) => {
          const byPost = await this.posts.hashtagsByPost([...ids]);
          return ids.map((id) => byPost.get(id) ?? []);
        }),
    );
    this.loaders.register(
      MENTIONS_BY_POST_ID,
      () =>
        new DataLoader<string, string[]>(async (ids) => {
          const byPost = await this.posts.mentionedAccountIdsByPost([...ids]);
          return ids.map((id) => byPost.get(id) ?? []);
        }),
    );
  }
}
