import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PostsModule } from '../posts/posts.module';
import { BookmarkEntity } from './bookmark.entity';
import { LikeEntity } from './like.entity';

/** Likes, boosts and bookmarks, with exact counts. */
@Module({
  imports: [TypeOrmModule.forFeature([LikeEntity, BookmarkEntity]), PostsModule],
  providers: [],
  exports: [],
})
export class EngagementModule {}
