import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PubSubModule } from '@guildhall/core';
import { NotificationEntity } from './notification.entity';
import { NotificationRepository } from './notification.repository';
import { NotificationResolver } from './notification.resolver';
import { NotificationInbox } from './notification-inbox.service';
import { NotificationService } from './notification.service';

/** Notifications made from domain events, their read state, and the live subscription. */
@Module({
  imports: [TypeOrmModule.forFeature([NotificationEntity]), PubSubModule],
  providers: [NotificationRepository, NotificationService, NotificationInbox, NotificationResolver],
  exports: [NotificationService, NotificationInbox],
})
export class NotificationsModule {}
