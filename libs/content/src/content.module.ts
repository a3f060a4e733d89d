import { Module } from '@nestjs/common';
import { EngagementModule } from './engagement/engagement.module';
import { MediaModule } from './media/media.module';
import { PostsModule } from './posts/posts.module';
import { ProfilesModule } from './profiles/profiles.module';
import { ScheduledPostsModule } from './scheduled/scheduled-posts.module';
import { TimelinesModule } from './timelines/timelines.module';

/** Posts, articles, boosts, media, profiles, tags, mentions, likes, bookmarks, pins, timelines and scheduled posts. */
@Module({
  imports: [PostsModule, MediaModule, ProfilesModule, EngagementModule, TimelinesModule, ScheduledPostsModule],
  exports: [PostsModule, MediaModule, ProfilesModule, EngagementModule, TimelinesModule, ScheduledPostsModule],
})
export class ContentModule {}
