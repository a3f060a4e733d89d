import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SocialModule } from '@guildhall/social';
import { PostsModule } from '../posts/posts.module';
import { BookmarkEntity } from './bookmark.entity';
import { BookmarkRepository } from './bookmark.repository';
import { ConversationMuteEntity } from './conversation-mute.entity';
import { ConversationMuteRepository } from './conversation-mute.repository';
import { ConversationMuteService } from './conversation-mute.service';
import { EngagementLoaderRegistrar } from './engagement.loaders';
import { EngagementRepository } from './engagement.repository';
import { EngagementResolver } from './engagement.resolver';
import { EngagementService } from './engagement.service';
import { LikeEntity } from './like.entity';
import { PinRepository } from './pin.repository';
import { PinService } from './pin.service';
import { PinnedPostEntity } from './pinned-post.entity';

/** Likes, boosts and bookmarks, with exact counts; pins and muted conversations. */
@Module({
  imports: [
    TypeOrmModule.forFeature([LikeEntity, BookmarkEntity, PinnedPostEntity, ConversationMuteEntity]),
    PostsModule,
    SocialModule,
  ],
  providers: [
    EngagementRepository,
    BookmarkRepository,
    EngagementService,
    EngagementResolver,
    EngagementLoaderRegistrar,
    PinRepository,
    PinService,
    ConversationMuteRepository,
    ConversationMuteService,
  ],
  exports: [EngagementService, PinService, ConversationMuteService],
})
export class EngagementModule {}
