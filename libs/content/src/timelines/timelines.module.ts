import { Module } from '@nestjs/common';
import { PostsModule } from '../posts/posts.module';
import { SearchRepository } from '../search/search.repository';
import { SearchResolver } from '../search/search.resolver';
import { SearchService } from '../search/search.service';
import { TimelineRepository } from './timeline.repository';
import { AccountPostsResolver, TimelineResolver } from './timeline.resolver';

/** HOME, LOCAL, FEDERATED, account and hashtag timelines, and search. */
@Module({
  imports: [PostsModule],
  providers: [
    TimelineRepository,
    TimelineResolver,
    AccountPostsResolver,
    SearchRepository,
    SearchService,
    SearchResolver,
  ],
  exports: [TimelineRepository, SearchService],
})
export class TimelinesModule {}
