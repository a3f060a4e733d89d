import { Module } from '@nestjs/common';
import { FollowsModule } from './follows/follows.module';
import { MarkersModule } from './markers/markers.module';
import { NotificationsModule } from './notifications/notifications.module';

/** The social graph (follows, requests, blocks, mutes), notifications and read markers. */
@Module({
  imports: [FollowsModule, NotificationsModule, MarkersModule],
  exports: [FollowsModule, NotificationsModule, MarkersModule],
})
export class SocialModule {}
