import { Module } from '@nestjs/common';
import { SocialModule } from '@guildhall/social';
import { PostsModule } from '../posts/posts.module';
import { RemotePostResolvers } from '../search/remote-post.resolver';
import { SearchLimiter } from '../search/search-limiter';
import { SearchRepository } from '../search/search.repository';
import { SearchResolver } from '../search/search.resolver';
import { SearchService } from '../search/search.service';
import { TimelineRepository } from './timeline.repository';
import { AccountPostsResolver, TimelineResolver } from './timeline.resolver';

/** HOME, LOCAL, FEDERATED, list, account and hashtag timelines, and search. */
@Module({
  imports: [PostsModule, SocialModule],
  providers: [
    TimelineRepository,
    TimelineResolver,
    AccountPostsResolver,
    SearchRepository,
    SearchLimiter,
    RemotePostResolvers,
    SearchService,
    SearchResolver,
  ],
  exports: [TimelineRepository, SearchRepository, SearchLimiter, SearchService, RemotePostResolvers],
})
export class TimelinesModule {}
