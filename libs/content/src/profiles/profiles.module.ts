import { Module } from '@nestjs/common';
import { MediaModule } from '../media/media.module';

/** Profiles: display name, bio, avatar and header, fields (updateProfile). */
@Module({
  imports: [MediaModule],
  providers: [],
  exports: [],
})
export class ProfilesModule {}
