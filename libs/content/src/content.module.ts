import { Module } from '@nestjs/common';
import { EngagementModule } from './engagement/engagement.module';
import { FiltersModule } from './filters/filters.module';
import { MediaModule } from './media/media.module';
import { PostsModule } from './posts/posts.module';
import { ProfilesModule } from './profiles/profiles.module';
import { TimelinesModule } from './timelines/timelines.module';

/** Posts, articles, boosts, media, profiles, tags, mentions, likes, bookmarks, timelines and readers' filters. */
@Module({
  imports: [PostsModule, MediaModule, ProfilesModule, EngagementModule, TimelinesModule, FiltersModule],
  exports: [PostsModule, MediaModule, ProfilesModule, EngagementModule, TimelinesModule, FiltersModule],
})
export class ContentModule {}
