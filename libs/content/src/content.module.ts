import { Module } from '@nestjs/common';
import { ConversationsModule } from './conversations/conversations.module';
import { EngagementModule } from './engagement/engagement.module';
import { MediaModule } from './media/media.module';
import { PostsModule } from './posts/posts.module';
import { ProfilesModule } from './profiles/profiles.module';
import { ScheduledPostsModule } from './scheduled/scheduled-posts.module';
import { TagsModule } from './tags/tags.module';
import { TimelinesModule } from './timelines/timelines.module';

/**
 * Posts, articles, boosts, media, profiles, tags, mentions, likes, bookmarks, pins, timelines,
 * conversations and scheduled posts.
 */
@Module({
  imports: [
    PostsModule,
    MediaModule,
    ProfilesModule,
    EngagementModule,
    TimelinesModule,
    ConversationsModule,
    ScheduledPostsModule,
    TagsModule,
  ],
  exports: [
    PostsModule,
    MediaModule,
    ProfilesModule,
    EngagementModule,
    TimelinesModule,
    ConversationsModule,
    ScheduledPostsModule,
    TagsModule,
  ],
})
export class ContentModule {}
