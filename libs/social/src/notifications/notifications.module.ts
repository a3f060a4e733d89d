import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NotificationEntity } from './notification.entity';

/** Notifications made from domain events, their read state, and the live subscription. */
@Module({
  imports: [TypeOrmModule.forFeature([NotificationEntity])],
  providers: [],
  exports: [],
})
export class NotificationsModule {}
