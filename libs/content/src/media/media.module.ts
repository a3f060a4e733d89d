import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StorageModule } from '@guildhall/core';
import { MediaAttachmentEntity } from './media-attachment.entity';
import { MediaCapabilities } from './media-capability';
import { MediaReaderResolvers } from './media-reader.resolver';
import { MediaController } from './media.controller';
import { MediaLoaderRegistrar } from './media.loaders';
import { MediaRepository } from './media.repository';
import { MediaResolver } from './media.resolver';
import { MediaService } from './media.service';

/** Uploads (images), their storage and serving. */
@Module({
  imports: [TypeOrmModule.forFeature([MediaAttachmentEntity]), StorageModule],
  controllers: [MediaController],
  providers: [
    MediaRepository,
    MediaService,
    MediaCapabilities,
    MediaReaderResolvers,
    MediaResolver,
    MediaLoaderRegistrar,
  ],
  exports: [MediaService, MediaCapabilities, MediaReaderResolvers],
})
export class MediaModule {}
