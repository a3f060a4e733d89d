import { Module } from '@nestjs/common';
import { FollowsModule } from './follows/follows.module';
import { NotificationsModule } from './notifications/notifications.module';

/** The social graph (follows, requests, blocks, mutes) and notifications. */
@Module({
  imports: [FollowsModule, NotificationsModule],
  exports: [FollowsModule, NotificationsModule],
})
export class SocialModule {}
