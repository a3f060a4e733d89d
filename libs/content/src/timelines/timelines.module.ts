import { Module } from '@nestjs/common';
import { PostsModule } from '../posts/posts.module';
import { TimelineRepository } from './timeline.repository';
import { AccountPostsResolver, TimelineResolver } from './timeline.resolver';

/** HOME, LOCAL, FEDERATED, account and hashtag timelines. */
@Module({
  imports: [PostsModule],
  providers: [TimelineRepository, TimelineResolver, AccountPostsResolver],
  exports: [TimelineRepository],
})
export class TimelinesModule {}
