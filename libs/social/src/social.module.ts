import { Module } from '@nestjs/common';
import { FollowsModule } from './follows/follows.module';
import { ListsModule } from './lists/lists.module';
import { NotificationsModule } from './notifications/notifications.module';

/** The social graph (follows, requests, blocks, mutes), lists and notifications. */
@Module({
  imports: [FollowsModule, NotificationsModule, ListsModule],
  exports: [FollowsModule, NotificationsModule, ListsModule],
})
export class SocialModule {}
