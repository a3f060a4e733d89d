import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FollowedHashtagEntity } from './followed-hashtag.entity';
import { TagFollowRepository } from './tag-follow.repository';
import { TagFollowService } from './tag-follow.service';

/** Followed hashtags. */
@Module({
  imports: [TypeOrmModule.forFeature([FollowedHashtagEntity])],
  providers: [TagFollowRepository, TagFollowService],
  exports: [TagFollowService],
})
export class TagsModule {}
