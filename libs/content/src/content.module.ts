import { Module } from '@nestjs/common';
import { EngagementModule } from './engagement/engagement.module';
import { MediaModule } from './media/media.module';
import { PostsModule } from './posts/posts.module';
import { ProfilesModule } from './profiles/profiles.module';
import { TagsModule } from './tags/tags.module';
import { TimelinesModule } from './timelines/timelines.module';

/** Posts, articles, boosts, media, profiles, tags, mentions, likes, bookmarks and timelines. */
@Module({
  imports: [PostsModule, MediaModule, ProfilesModule, EngagementModule, TimelinesModule, TagsModule],
  exports: [PostsModule, MediaModule, ProfilesModule, EngagementModule, TimelinesModule, TagsModule],
})
export class ContentModule {}
