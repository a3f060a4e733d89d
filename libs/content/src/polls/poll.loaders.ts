import { Injectable, type OnModuleInit } from '@nestjs/common';
import { LoaderFactories, LoaderKey } from '@guildhall/core';
import DataLoader from 'dataloader';
import type { PollView } from './poll-view';
import { PollService } from './poll.service';

/** A post's poll as the requesting viewer sees it (null: the post has none). */
export const POLL_BY_POST_ID = new LoaderKey<PollView | null>('pollByPostId');

@Injectable()
export class PollLoaderRegistrar implements OnModuleInit {
  constructor(
    private readonly loaders: LoaderFactories,
    private readonly polls: PollService,
  ) {}

  onModuleInit(): void {
    this.loaders.register(
      POLL_BY_POST_ID,
      (request) =>
        new DataLoader<string, PollView | null>(async (ids) => {
          const byPost = await this.polls.pollsForPosts([...ids], request.user?.accountId ?? null);
          return ids.map((id) => byPost.get(id) ?? null);
        }),
    );
  }
}
