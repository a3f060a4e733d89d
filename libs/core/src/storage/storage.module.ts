import { Module } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { LocalDiskStorage } from './local-disk.storage';
import { MediaStorage } from './media-storage';
import { S3Storage } from './s3.storage';

/** The store MEDIA_STORAGE names: an S3-compatible bucket when `s3` (its settings validated), else the local disk. */
export function createMediaStorage(config: ConfigService): MediaStorage {
  return config.values.s3 ? new S3Storage(config.values.s3) : new LocalDiskStorage(config);
}

/** Provides MediaStorage, chosen by MEDIA_STORAGE (ADR 0049). */
@Module({
  providers: [{ provide: MediaStorage, inject: [ConfigService], useFactory: createMediaStorage }],
  exports: [MediaStorage],
})
export class StorageModule {}
