import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ConfigService, LoaderFactories, LoaderKey } from '@guildhall/core';
import DataLoader from 'dataloader';
import type { MediaAttachmentModel } from './media-attachment.model';
import type { MediaView } from './media-view';
import { toMediaModel, toMediaView } from './media.mapper';
import { MediaRepository } from './media.repository';

/** A post's attachments by post id, in order (empty when it has none), batched per GraphQL request. */
export const MEDIA_BY_POST_ID = new LoaderKey<MediaAttachmentModel[]>('mediaByPostId');
/** The same as client-API views (preview, meta, focus): what the Mastodon serializers render. */
export const MEDIA_VIEWS_BY_POST_ID = new LoaderKey<MediaView[]>('mediaViewsByPostId');

@Injectable()
export class MediaLoaderRegistrar implements OnModuleInit {
  constructor(
    private readonly loaders: LoaderFactories,
    private readonly media: MediaRepository,
    private readonly config: ConfigService,
  ) {}

  onModuleInit(): void {
    const origin = this.config.values.publicOrigin;
    this.loaders.register(
      MEDIA_BY_POST_ID,
      () =>
        new DataLoader<string, MediaAttachmentModel[]>(async (postIds) => {
          const byPost = new Map<string, MediaAttachmentModel[]>();
          for (const row of await this.media.findByPostIds([...postIds])) {
            const list = byPost.get(row.postId!) ?? [];
            list.push(toMediaModel(row, origin));
            byPost.set(row.postId!, list);
          }
          return postIds.map((id) => byPost.get(id) ?? []);
        }),
    );
    this.loaders.register(
      MEDIA_VIEWS_BY_POST_ID,
      () =>
        new DataLoader<string, MediaView[]>(async (postIds) => {
          const byPost = new Map<string, MediaView[]>();
          for (const row of await this.media.findByPostIds([...postIds])) {
            const list = byPost.get(row.postId!) ?? [];
            list.push(toMediaView(row, origin));
            byPost.set(row.postId!, list);
          }
          return postIds.map((id) => byPost.get(id) ?? []);
        }),
    );
  }
}
