import { Module } from '@nestjs/common';
import { LocalDiskStorage } from './local-disk.storage';
import { MediaStorage } from './media-storage';

/** Provides MediaStorage: the local disk today; bind an S3-compatible implementation here later. */
@Module({
  providers: [{ provide: MediaStorage, useClass: LocalDiskStorage }],
  exports: [MediaStorage],
})
export class StorageModule {}
