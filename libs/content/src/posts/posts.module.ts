import { PubSubModule } from '@guildhall/core';
import { PostAudienceRepository } from './post-audience.repository';
import { PostStreamPublisher } from './post-stream.publisher';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SocialModule } from '@guildhall/social';
import { MediaModule } from '../media/media.module';
import { MediaService } from '../media/media.service';
import { NotificationPostResolver } from './notification-post.resolver';
import { HashtagEntity } from '../tags/hashtag.entity';
import { MentionEntity } from '../tags/mention.entity';
import { PostHashtagEntity } from '../tags/post-hashtag.entity';
import { PostAttachments } from './post-attachments';
import { PostEditEntity } from './post-edit.entity';
import { PostEntity } from './post.entity';
import { PostLoaderRegistrar } from './post.loaders';
import { PostRepository } from './post.repository';
import { PostResolver } from './post.resolver';
import { PostService } from './post.service';
import { RemoteContentRepository } from './remote-content.repository';
import { RemotePostService } from './remote-post.service';

/** Posts and articles: writing, editing, deleting, threads, tags, mentions and who may see what. */
@Module({
  imports: [
    TypeOrmModule.forFeature([PostEntity, PostEditEntity, HashtagEntity, PostHashtagEntity, MentionEntity]),
    SocialModule,
    MediaModule,
    PubSubModule,
  ],
  providers: [
    PostAudienceRepository,
    PostStreamPublisher,
    PostRepository,
    PostService,
    PostResolver,
    PostLoaderRegistrar,
    {
      provide: PostAttachments,
      inject: [MediaService],
      useFactory: (media: MediaService): PostAttachments => ({
        attach: (manager, accountId, postId, mediaIds) => media.attachToPost(manager, accountId, postId, mediaIds),
        replaceRemote: (manager, accountId, postId, items) =>
          media.replaceRemoteMedia(manager, accountId, postId, items),
        purge: (manager, postId) => media.purgePostUploads(manager, postId),
        removeStored: (storageKeys) => media.removeStored(storageKeys),
      }),
    },
    NotificationPostResolver,
    RemoteContentRepository,
    RemotePostService,
  ],
  exports: [PostRepository, PostService, RemotePostService, PostAudienceRepository, PostStreamPublisher],
})
export class PostsModule {}
