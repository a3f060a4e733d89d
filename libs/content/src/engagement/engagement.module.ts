import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PostsModule } from '../posts/posts.module';
import { BookmarkEntity } from './bookmark.entity';
import { EngagementLoaderRegistrar } from './engagement.loaders';
import { EngagementRepository } from './engagement.repository';
import { EngagementResolver } from './engagement.resolver';
import { EngagementService } from './engagement.service';
import { LikeEntity } from './like.entity';

/** Likes, boosts and bookmarks, with exact counts. */
@Module({
  imports: [TypeOrmModule.forFeature([LikeEntity, BookmarkEntity]), PostsModule],
  providers: [EngagementRepository, EngagementService, EngagementResolver, EngagementLoaderRegistrar],
  exports: [EngagementService],
})
export class EngagementModule {}
