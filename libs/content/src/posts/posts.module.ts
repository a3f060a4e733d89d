import { PubSubModule } from '@guildhall/core';
import { PostAudienceRepository } from './post-audience.repository';
import { PostStreamPublisher } from './post-stream.publisher';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SocialModule } from '@guildhall/social';
import { MediaModule } from '../media/media.module';
import { MediaService } from '../media/media.service';
import { NotificationPostResolver } from './notification-post.resolver';
import { PollVoteEntity } from '../polls/poll-vote.entity';
import { PollEntity } from '../polls/poll.entity';
import { PollLoaderRegistrar } from '../polls/poll.loaders';
import { PollRepository } from '../polls/poll.repository';
import { PollResolver } from '../polls/poll.resolver';
import { PollService } from '../polls/poll.service';
import { HashtagEntity } from '../tags/hashtag.entity';
import { MentionEntity } from '../tags/mention.entity';
import { PostHashtagEntity } from '../tags/post-hashtag.entity';
import { PostAttachments } from './post-attachments';
import { PostEditEntity } from './post-edit.entity';
import { PostExportRepository } from './post-export.repository';
import { PostExportService } from './post-export.service';
import { PostIdempotencyKeyEntity } from './post-idempotency-key.entity';
import { PostEntity } from './post.entity';
import { PostLoaderRegistrar } from './post.loaders';
import { PostRepository } from './post.repository';
import { PostResolver } from './post.resolver';
import { PostService } from './post.service';
import { LocalPostDrafts } from './local-post-drafts';
import { PostIdempotency } from './post-idempotency';
import { RemoteContentRepository } from './remote-content.repository';
import { RemotePostService } from './remote-post.service';
import { ThreadService } from './thread.service';

/** Posts and articles: writing, editing, deleting, threads, tags, mentions, polls and who may see what. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      PostEntity,
      PostEditEntity,
      PostIdempotencyKeyEntity,
      HashtagEntity,
      PostHashtagEntity,
      MentionEntity,
      PollEntity,
      PollVoteEntity,
    ]),
    SocialModule,
    MediaModule,
    PubSubModule,
  ],
  providers: [
    PostAudienceRepository,
    PostStreamPublisher,
    PostRepository,
    PostService,
    LocalPostDrafts,
    PostIdempotency,
    PostResolver,
    PostExportRepository,
    PostExportService,
    PostLoaderRegistrar,
    {
      provide: PostAttachments,
      inject: [MediaService],
      useFactory: (media: MediaService): PostAttachments => ({
        attach: (manager, accountId, postId, mediaIds) => media.attachToPost(manager, accountId, postId, mediaIds),
        replace: (manager, accountId, postId, mediaIds) =>
          media.replacePostUploads(manager, accountId, postId, mediaIds),
        uploadIds: (manager, postId) => media.postUploadIds(manager, postId),
        replaceRemote: (manager, accountId, postId, items) =>
          media.replaceRemoteMedia(manager, accountId, postId, items),
        purge: (manager, postId) => media.purgePostUploads(manager, postId),
        removeStored: (storageKeys) => media.removeStored(storageKeys),
      }),
    },
    NotificationPostResolver,
    RemoteContentRepository,
    RemotePostService,
    ThreadService,
    // Polls live on posts: their service needs the posts' visibility, and writing a post writes its poll.
    PollRepository,
    PollService,
    PollResolver,
    PollLoaderRegistrar,
  ],
  exports: [
    PostRepository,
    PostService,
    PostExportService,
    RemotePostService,
    PollService,
    ThreadService,
    PostAudienceRepository,
    PostStreamPublisher,
  ],
})
export class PostsModule {}
