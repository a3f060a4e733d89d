import { Module } from '@nestjs/common';
import { ConversationsModule } from './conversations/conversations.module';
import { EngagementModule } from './engagement/engagement.module';
import { MediaModule } from './media/media.module';
import { PostsModule } from './posts/posts.module';
import { ProfilesModule } from './profiles/profiles.module';
import { TimelinesModule } from './timelines/timelines.module';

/** Posts, articles, boosts, media, profiles, tags, mentions, likes, bookmarks, timelines and conversations. */
@Module({
  imports: [PostsModule, MediaModule, ProfilesModule, EngagementModule, TimelinesModule, ConversationsModule],
  exports: [PostsModule, MediaModule, ProfilesModule, EngagementModule, TimelinesModule, ConversationsModule],
})
export class ContentModule {}
