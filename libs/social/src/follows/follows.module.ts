import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BlockEntity } from '../blocks/block.entity';
import { MuteEntity } from '../blocks/mute.entity';
import { FollowEntity } from './follow.entity';

/** Follows, follow requests, blocks and mutes (the social graph). */
@Module({
  imports: [TypeOrmModule.forFeature([FollowEntity, BlockEntity, MuteEntity])],
  providers: [],
  exports: [],
})
export class FollowsModule {}
