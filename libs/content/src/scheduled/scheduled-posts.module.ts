import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MediaModule } from '../media/media.module';
import { PostsModule } from '../posts/posts.module';
import { ScheduledPostEntity } from './scheduled-post.entity';
import { ContentProcessor } from './scheduled-post.processor';
import { ScheduledPostRepository } from './scheduled-post.repository';
import { ScheduledPostService } from './scheduled-post.service';
import { CONTENT_QUEUE } from './scheduled.constants';

/** Posts to publish later, and the content queue that publishes them. */
@Module({
  imports: [
    TypeOrmModule.forFeature([ScheduledPostEntity]),
    BullModule.registerQueue({ name: CONTENT_QUEUE }),
    PostsModule,
    MediaModule,
  ],
  providers: [ScheduledPostRepository, ScheduledPostService],
  exports: [ScheduledPostService],
})
export class ScheduledPostsModule {}

/** The content lib's job processors, for the processes that run jobs (the worker, `npm start`). */
@Module({ imports: [ScheduledPostsModule, PostsModule], providers: [ContentProcessor] })
export class ContentWorkerModule {}
