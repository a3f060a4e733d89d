import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MarkerEntity } from './marker.entity';
import { MarkerRepository } from './marker.repository';
import { MarkerService } from './marker.service';

/** Read markers (Mastodon's `home` and `notifications`); the notifications one drives the unread count. */
@Module({
  imports: [TypeOrmModule.forFeature([MarkerEntity])],
  providers: [MarkerRepository, MarkerService],
  exports: [MarkerService],
})
export class MarkersModule {}
