import { Module } from '@nestjs/common';
import { PostsModule } from '../posts/posts.module';

/** HOME, LOCAL, FEDERATED, account and hashtag timelines. */
@Module({
  imports: [PostsModule],
  providers: [],
  exports: [],
})
export class TimelinesModule {}
