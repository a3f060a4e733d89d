import { Module } from '@nestjs/common';
import { FollowsModule } from './follows/follows.module';
import { ListsModule } from './lists/lists.module';
import { MarkersModule } from './markers/markers.module';
import { NotificationsModule } from './notifications/notifications.module';

/** The social graph (follows, requests, blocks, mutes), lists, notifications and read markers. */
@Module({
  imports: [FollowsModule, NotificationsModule, ListsModule, MarkersModule],
  exports: [FollowsModule, NotificationsModule, ListsModule, MarkersModule],
})
export class SocialModule {}
