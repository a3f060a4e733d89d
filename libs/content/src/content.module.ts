import { Module } from '@nestjs/common';
import { ConversationsModule } from './conversations/conversations.module';
import { EngagementModule } from './engagement/engagement.module';
import { FiltersModule } from './filters/filters.module';
import { MediaModule } from './media/media.module';
import { PostsModule } from './posts/posts.module';
import { ProfilesModule } from './profiles/profiles.module';
import { ScheduledPostsModule } from './scheduled/scheduled-posts.module';
import { TagsModule } from './tags/tags.module';
import { TimelinesModule } from './timelines/timelines.module';

/**
 * Posts, articles, boosts, media, profiles, tags, mentions, likes, bookmarks, pins, timelines,
 * conversations, scheduled posts and readers' filters.
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
    FiltersModule,
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
    FiltersModule,
  ],
})
export class ContentModule {}
