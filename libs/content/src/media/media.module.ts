import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MediaAttachmentEntity } from './media-attachment.entity';

/** Uploads (images), their storage and serving. */
@Module({
  imports: [TypeOrmModule.forFeature([MediaAttachmentEntity])],
  providers: [],
  exports: [],
})
export class MediaModule {}
